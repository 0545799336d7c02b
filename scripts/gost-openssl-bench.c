/* gost-openssl-bench: the C reference for internal/gost's signature
 * benchmarks (scripts/bench-gost-vs-openssl.sh). It loads OpenSSL's gost
 * engine (Debian libengine-gost-openssl), generates a key per parameter set
 * with the engine, and times EVP_PKEY_sign / EVP_PKEY_verify of a
 * precomputed digest (PointSize bytes), the operation BenchmarkSign and
 * BenchmarkVerify time in Go: no hashing, so the curve arithmetic is what is
 * compared. One line per parameter set and operation:
 *   gost-openssl <op> <paramset> <ns/op> <iterations> <cpu-ns/op>
 * ns/op is elapsed time, cpu-ns/op the process's CPU time (steadier on a
 * loaded machine); each is the best of -r rounds of at least -t seconds.
 *
 * Build: gcc -O2 -o gost-openssl-bench scripts/gost-openssl-bench.c -lcrypto
 * Written here because no packaged tool times the engine's bare signature.
 */
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/engine.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct set {
	const char *name; /* as in the Go benchmark's sub-benchmark */
	int nid;          /* the engine's key algorithm */
	const char *param;
	size_t size;
};

static const struct set sets[] = {
	{"512-A", NID_id_GostR3410_2012_512, "A", 64},
	{"512-B", NID_id_GostR3410_2012_512, "B", 64},
	{"512-C", NID_id_GostR3410_2012_512, "C", 64},
	{"256-CryptoPro-A", NID_id_GostR3410_2012_256, "A", 32},
	{"256-TC26-A", NID_id_GostR3410_2012_256, "TCA", 32},
};

static void die(const char *what)
{
	fprintf(stderr, "gost-openssl-bench: %s\n", what);
	ERR_print_errors_fp(stderr);
	exit(1);
}

static double now(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static EVP_PKEY *keygen(ENGINE *e, const struct set *s)
{
	EVP_PKEY *key = NULL;
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_id(s->nid, e);
	if (!ctx || EVP_PKEY_keygen_init(ctx) <= 0 || EVP_PKEY_CTX_ctrl_str(ctx, "paramset", s->param) <= 0 ||
	    EVP_PKEY_keygen(ctx, &key) <= 0)
		die("key generation");
	EVP_PKEY_CTX_free(ctx);
	return key;
}

/* one operation: sign (verify == 0) or verify */
static void op(EVP_PKEY_CTX *ctx, int verify, const unsigned char *dgst, size_t dlen, unsigned char *sig,
	       size_t *siglen)
{
	if (verify) {
		if (EVP_PKEY_verify(ctx, sig, *siglen, dgst, dlen) != 1)
			die("verification failed");
		return;
	}
	size_t n = 256;
	if (EVP_PKEY_sign(ctx, sig, &n, dgst, dlen) <= 0)
		die("signing failed");
	*siglen = n;
}

int main(int argc, char **argv)
{
	double secs = 1.0;
	int rounds = 3;
	const char *only = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-t") && i + 1 < argc)
			secs = atof(argv[++i]);
		else if (!strcmp(argv[i], "-r") && i + 1 < argc)
			rounds = atoi(argv[++i]);
		else if (!strcmp(argv[i], "-p") && i + 1 < argc)
			only = argv[++i];
		else {
			fprintf(stderr, "usage: gost-openssl-bench [-t seconds] [-r rounds] [-p paramset]\n");
			return 2;
		}
	}
	ENGINE_load_dynamic();
	ENGINE *e = ENGINE_by_id("gost");
	if (!e || !ENGINE_init(e))
		die("cannot load the gost engine (apt-get install libengine-gost-openssl)");
	ENGINE_set_default(e, ENGINE_METHOD_ALL);
	for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
		const struct set *s = &sets[i];
		if (only && strcmp(only, s->name))
			continue;
		EVP_PKEY *key = keygen(e, s);
		unsigned char dgst[64], sig[256];
		size_t siglen = 0;
		for (size_t j = 0; j < s->size; j++)
			dgst[j] = (unsigned char)(5 + 31 * j);
		for (int verify = 0; verify <= 1; verify++) {
			EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(key, e);
			if (!ctx || (verify ? EVP_PKEY_verify_init(ctx) : EVP_PKEY_sign_init(ctx)) <= 0)
				die("context");
			if (!verify)
				op(ctx, 0, dgst, s->size, sig, &siglen); /* the signature verified below */
			double best = 0, bestcpu = 0;
			long bestn = 0;
			for (int r = 0; r < rounds; r++) {
				long n = 0;
				double t0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID), t;
				do {
					for (int k = 0; k < 16; k++)
						op(ctx, verify, dgst, s->size, sig, &siglen);
					n += 16;
					t = now(CLOCK_MONOTONIC) - t0;
				} while (t < secs);
				double ns = t / n * 1e9, cpu = (now(CLOCK_PROCESS_CPUTIME_ID) - c0) / n * 1e9;
				if (best == 0 || ns < best)
					best = ns, bestn = n;
				if (bestcpu == 0 || cpu < bestcpu)
					bestcpu = cpu;
			}
			printf("gost-openssl %s %s %.0f %ld %.0f\n", verify ? "verify" : "sign", s->name, best, bestn,
			       bestcpu);
			fflush(stdout);
			EVP_PKEY_CTX_free(ctx);
		}
		EVP_PKEY_free(key);
	}
	ENGINE_finish(e);
	ENGINE_free(e);
	return 0;
}
