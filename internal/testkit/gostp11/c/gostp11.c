/* gostp11: a PKCS#11 module FOR TESTS ONLY, standing in for a Russian
 * GOST-2012 token (Rutoken ECP, JaCarta GOST) where none is plugged in:
 * SoftHSM2 has no GOST. It is not a token and keeps nothing secret: its
 * keys are PEM files on disk, read at C_Initialize.
 *
 * What it does, as far as qoltanba's token/p11 uses PKCS#11: one slot with
 * one token; C_Login with a user PIN, CKR_PIN_INCORRECT and the token's
 * count-low / final-try / locked flags, locked after `tries` wrong PINs
 * (kept across C_Finalize/C_Initialize, as a token keeps it); public
 * certificate objects found without login and private key objects only
 * after it (CKK_GOSTR3410 / CKK_GOSTR3410_512 with CKA_GOSTR3410_PARAMS);
 * C_GetMechanismList; single-part C_SignInit/C_Sign with the TC26
 * mechanisms CKM_GOSTR3410 (0x1201) and CKM_GOSTR3410_512 (0xD4321006)
 * over a hash, CKM_GOSTR3410_WITH_GOSTR3411_12_256/512 (0xD4321008/9)
 * over the data.
 *
 * The arithmetic is OpenSSL's gost engine (libengine-gost-openssl):
 * EVP_PKEY_sign over the GOST R 34.11-2012 hash, whose output is the
 * engine's s||r (what OpenSSL writes into RFC 4490 CMS). The module does
 * no GOST of its own, so a signature it makes is one OpenSSL would make.
 *
 * Configuration: the file named by GOSTP11_CONF, one item a line:
 *   label RUTOKEN TEST          token label
 *   model Rutoken ECP 2.0       token model
 *   serial 0123456789
 *   pin 12345678                user PIN
 *   tries 3                     wrong PINs before the PIN locks
 *   mechanisms raw hash         which mechanism kinds C_GetMechanismList offers
 *   key <id hex> <key.pem> <cert.der> <label to the end of the line>
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <openssl/engine.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ec.h>
#include <openssl/objects.h>

#define CK_PTR *
#define CK_DEFINE_FUNCTION(r, n) r n
#define CK_DECLARE_FUNCTION(r, n) r n
#define CK_DECLARE_FUNCTION_POINTER(r, n) r (*n)
#define CK_CALLBACK_FUNCTION(r, n) r (*n)
#ifndef NULL_PTR
#define NULL_PTR 0
#endif
#include "pkcs11.h"

/* TC26's vendor-defined numbers (CK_VENDOR_PKCS11_RU_TEAM_TC26 = 0xD4321000). */
#define CKK_GOSTR3410_512 0xD4321003UL
#define CKM_GOSTR3410_512 0xD4321006UL
#define CKM_GOSTR3410_WITH_GOSTR3411_12_256 0xD4321008UL
#define CKM_GOSTR3410_WITH_GOSTR3411_12_512 0xD4321009UL

#define SLOT 1
#define MAXKEYS 8
#define MAXSESS 16

struct key {
	unsigned char id[64];
	size_t idlen;
	char label[128];
	unsigned char *cert;
	size_t certlen;
	EVP_PKEY *pkey;
	int size;                 /* 32 or 64: bytes of the hash, half the signature */
	unsigned char params[32]; /* DER OID of the parameter set */
	size_t paramslen;
};

struct session {
	int open;
	int finding;
	CK_OBJECT_HANDLE found[2 * MAXKEYS];
	int nfound, pos;
	int signing;
	CK_MECHANISM_TYPE mech;
	int key;
};

static struct key keys[MAXKEYS];
static int nkeys;
static char tlabel[33] = "RUTOKEN TEST", tmodel[17] = "Rutoken ECP 2.0", tserial[17] = "0123456789";
static char upin[64] = "12345678";
static int max_tries = 3;
static int offer_raw = 1, offer_hash = 1;
static int loaded;       /* the configuration and keys are read once a process */
static int tries_left, count_low, locked;
static int initialized, logged_in;
static struct session sess[MAXSESS + 1];
static ENGINE *eng;

static CK_RV unsupported(void) { return CKR_FUNCTION_NOT_SUPPORTED; }

static void pad(CK_UTF8CHAR *dst, const char *s, size_t n)
{
	size_t l = strlen(s);
	memset(dst, ' ', n);
	memcpy(dst, s, l < n ? l : n);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

static unsigned char *readfile(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *b;
	long n;
	if (!f) return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = malloc(n > 0 ? (size_t)n : 1);
	if (b && fread(b, 1, (size_t)n, f) != (size_t)n) { free(b); b = NULL; }
	fclose(f);
	*len = (size_t)n;
	return b;
}

static int load_key(struct key *k, const char *keyfile, const char *certfile)
{
	FILE *f = fopen(keyfile, "r");
	const EC_KEY *ec;
	int nid;
	unsigned char *p;
	if (!f) return 0;
	k->pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (!k->pkey) return 0;
	switch (EVP_PKEY_base_id(k->pkey)) {
	case NID_id_GostR3410_2012_256: k->size = 32; break;
	case NID_id_GostR3410_2012_512: k->size = 64; break;
	default: return 0;
	}
	ec = EVP_PKEY_get0(k->pkey);
	if (!ec || !EC_KEY_get0_group(ec)) return 0;
	nid = EC_GROUP_get_curve_name(EC_KEY_get0_group(ec));
	if (nid == NID_undef || i2d_ASN1_OBJECT(OBJ_nid2obj(nid), NULL) > (int)sizeof k->params) return 0;
	p = k->params;
	k->paramslen = (size_t)i2d_ASN1_OBJECT(OBJ_nid2obj(nid), &p);
	k->cert = readfile(certfile, &k->certlen);
	return k->cert != NULL;
}

static CK_RV load(void)
{
	const char *conf = getenv("GOSTP11_CONF");
	char line[1024];
	FILE *f;
	if (loaded) return CKR_OK;
	if (!conf || !(f = fopen(conf, "r"))) return CKR_GENERAL_ERROR;
	eng = ENGINE_by_id("gost");
	if (!eng || !ENGINE_init(eng) || !ENGINE_set_default(eng, ENGINE_METHOD_ALL)) { fclose(f); return CKR_GENERAL_ERROR; }
	while (fgets(line, sizeof line, f)) {
		char *v = strchr(line, ' ');
		line[strcspn(line, "\r\n")] = 0;
		if (!v) continue;
		*v++ = 0;
		if (!strcmp(line, "label")) snprintf(tlabel, sizeof tlabel, "%s", v);
		else if (!strcmp(line, "model")) snprintf(tmodel, sizeof tmodel, "%s", v);
		else if (!strcmp(line, "serial")) snprintf(tserial, sizeof tserial, "%s", v);
		else if (!strcmp(line, "pin")) snprintf(upin, sizeof upin, "%s", v);
		else if (!strcmp(line, "tries")) max_tries = atoi(v);
		else if (!strcmp(line, "mechanisms")) { offer_raw = strstr(v, "raw") != NULL; offer_hash = strstr(v, "hash") != NULL; }
		else if (!strcmp(line, "key") && nkeys < MAXKEYS) {
			struct key *k = &keys[nkeys];
			char *id = strtok(v, " "), *kf = strtok(NULL, " "), *cf = strtok(NULL, " "), *lab = strtok(NULL, "");
			size_t i;
			if (!id || !kf || !cf) { fclose(f); return CKR_GENERAL_ERROR; }
			for (i = 0; id[2 * i] && id[2 * i + 1] && i < sizeof k->id; i++)
				k->id[i] = (unsigned char)(hexval(id[2 * i]) << 4 | hexval(id[2 * i + 1]));
			k->idlen = i;
			snprintf(k->label, sizeof k->label, "%s", lab ? lab : "");
			if (!load_key(k, kf, cf)) { fclose(f); return CKR_GENERAL_ERROR; }
			nkeys++;
		}
	}
	fclose(f);
	tries_left = max_tries;
	loaded = 1;
	return CKR_OK;
}

static CK_RV Initialize(CK_VOID_PTR args)
{
	CK_RV rv;
	(void)args;
	if (initialized) return CKR_CRYPTOKI_ALREADY_INITIALIZED;
	if ((rv = load()) != CKR_OK) return rv;
	memset(sess, 0, sizeof sess);
	logged_in = 0;
	initialized = 1;
	return CKR_OK;
}

static CK_RV Finalize(CK_VOID_PTR res)
{
	(void)res;
	if (!initialized) return CKR_CRYPTOKI_NOT_INITIALIZED;
	initialized = 0;
	logged_in = 0;
	return CKR_OK;
}

static CK_RV GetInfo(CK_INFO_PTR p)
{
	memset(p, 0, sizeof *p);
	p->cryptokiVersion.major = 2;
	p->cryptokiVersion.minor = 40;
	pad(p->manufacturerID, "qoltanba tests", 32);
	pad(p->libraryDescription, "GOST test module (not a token)", 32);
	p->libraryVersion.major = 1;
	return CKR_OK;
}

static CK_RV GetSlotList(CK_BBOOL present, CK_SLOT_ID_PTR list, CK_ULONG_PTR count)
{
	(void)present;
	if (!initialized) return CKR_CRYPTOKI_NOT_INITIALIZED;
	if (list == NULL) { *count = 1; return CKR_OK; }
	if (*count < 1) { *count = 1; return CKR_BUFFER_TOO_SMALL; }
	list[0] = SLOT;
	*count = 1;
	return CKR_OK;
}

static CK_RV GetSlotInfo(CK_SLOT_ID id, CK_SLOT_INFO_PTR p)
{
	if (id != SLOT) return CKR_SLOT_ID_INVALID;
	memset(p, 0, sizeof *p);
	pad(p->slotDescription, "gostp11 test reader", 64);
	pad(p->manufacturerID, "qoltanba tests", 32);
	p->flags = CKF_TOKEN_PRESENT | CKF_REMOVABLE_DEVICE | CKF_HW_SLOT;
	return CKR_OK;
}

static CK_RV GetTokenInfo(CK_SLOT_ID id, CK_TOKEN_INFO_PTR p)
{
	if (!initialized) return CKR_CRYPTOKI_NOT_INITIALIZED;
	if (id != SLOT) return CKR_SLOT_ID_INVALID;
	memset(p, 0, sizeof *p);
	pad(p->label, tlabel, 32);
	pad(p->manufacturerID, "qoltanba tests", 32);
	pad(p->model, tmodel, 16);
	pad(p->serialNumber, tserial, 16);
	p->flags = CKF_TOKEN_INITIALIZED | CKF_LOGIN_REQUIRED | CKF_USER_PIN_INITIALIZED | CKF_RNG;
	if (count_low) p->flags |= CKF_USER_PIN_COUNT_LOW;
	if (tries_left == 1 && !locked) p->flags |= CKF_USER_PIN_FINAL_TRY;
	if (locked) p->flags |= CKF_USER_PIN_LOCKED;
	p->ulMaxSessionCount = MAXSESS;
	p->ulMaxRwSessionCount = MAXSESS;
	p->ulMaxPinLen = 32;
	p->ulMinPinLen = 4;
	p->ulTotalPublicMemory = CK_UNAVAILABLE_INFORMATION;
	p->ulFreePublicMemory = CK_UNAVAILABLE_INFORMATION;
	p->ulTotalPrivateMemory = CK_UNAVAILABLE_INFORMATION;
	p->ulFreePrivateMemory = CK_UNAVAILABLE_INFORMATION;
	return CKR_OK;
}

static CK_RV GetMechanismList(CK_SLOT_ID id, CK_MECHANISM_TYPE_PTR list, CK_ULONG_PTR count)
{
	CK_MECHANISM_TYPE m[4];
	CK_ULONG n = 0, i;
	if (id != SLOT) return CKR_SLOT_ID_INVALID;
	if (offer_raw) { m[n++] = CKM_GOSTR3410; m[n++] = CKM_GOSTR3410_512; }
	if (offer_hash) { m[n++] = CKM_GOSTR3410_WITH_GOSTR3411_12_256; m[n++] = CKM_GOSTR3410_WITH_GOSTR3411_12_512; }
	if (list == NULL) { *count = n; return CKR_OK; }
	if (*count < n) { *count = n; return CKR_BUFFER_TOO_SMALL; }
	for (i = 0; i < n; i++) list[i] = m[i];
	*count = n;
	return CKR_OK;
}

static struct session *get(CK_SESSION_HANDLE h)
{
	if (!initialized || h < 1 || h > MAXSESS || !sess[h].open) return NULL;
	return &sess[h];
}

static CK_RV OpenSession(CK_SLOT_ID id, CK_FLAGS flags, CK_VOID_PTR app, CK_NOTIFY notify, CK_SESSION_HANDLE_PTR ph)
{
	CK_SESSION_HANDLE h;
	(void)app; (void)notify;
	if (!initialized) return CKR_CRYPTOKI_NOT_INITIALIZED;
	if (id != SLOT) return CKR_SLOT_ID_INVALID;
	if (!(flags & CKF_SERIAL_SESSION)) return CKR_SESSION_PARALLEL_NOT_SUPPORTED;
	for (h = 1; h <= MAXSESS; h++)
		if (!sess[h].open) {
			memset(&sess[h], 0, sizeof sess[h]);
			sess[h].open = 1;
			*ph = h;
			return CKR_OK;
		}
	return CKR_SESSION_COUNT;
}

static CK_RV CloseSession(CK_SESSION_HANDLE h)
{
	struct session *s = get(h);
	CK_SESSION_HANDLE i;
	if (!s) return CKR_SESSION_HANDLE_INVALID;
	s->open = 0;
	for (i = 1; i <= MAXSESS; i++)
		if (sess[i].open) return CKR_OK;
	logged_in = 0; /* the last session closed logs the user out */
	return CKR_OK;
}

static CK_RV GetSessionInfo(CK_SESSION_HANDLE h, CK_SESSION_INFO_PTR p)
{
	if (!get(h)) return CKR_SESSION_HANDLE_INVALID;
	memset(p, 0, sizeof *p);
	p->slotID = SLOT;
	p->state = logged_in ? CKS_RO_USER_FUNCTIONS : CKS_RO_PUBLIC_SESSION;
	p->flags = CKF_SERIAL_SESSION;
	return CKR_OK;
}

static CK_RV Login(CK_SESSION_HANDLE h, CK_USER_TYPE user, CK_UTF8CHAR_PTR pin, CK_ULONG len)
{
	if (!get(h)) return CKR_SESSION_HANDLE_INVALID;
	if (user != CKU_USER && user != CKU_CONTEXT_SPECIFIC) return CKR_USER_TYPE_INVALID;
	if (locked) return CKR_PIN_LOCKED;
	if (user == CKU_USER && logged_in) return CKR_USER_ALREADY_LOGGED_IN;
	if (len != strlen(upin) || memcmp(pin, upin, len) != 0) {
		count_low = 1;
		if (--tries_left <= 0) { tries_left = 0; locked = 1; }
		return CKR_PIN_INCORRECT;
	}
	tries_left = max_tries;
	count_low = 0;
	logged_in = 1;
	return CKR_OK;
}

static CK_RV Logout(CK_SESSION_HANDLE h)
{
	if (!get(h)) return CKR_SESSION_HANDLE_INVALID;
	if (!logged_in) return CKR_USER_NOT_LOGGED_IN;
	logged_in = 0;
	return CKR_OK;
}

/* Object handles: 2i+1 is key i's certificate, 2i+2 its private key. */
static int obj_key(CK_OBJECT_HANDLE o, int *priv)
{
	if (o < 1 || o > (CK_OBJECT_HANDLE)(2 * nkeys)) return -1;
	*priv = (o % 2) == 0;
	if (*priv && !logged_in) return -1;
	return (int)((o - 1) / 2);
}

static const CK_BBOOL yes = CK_TRUE, no = CK_FALSE;

/* attr finds an attribute's value; 0 = not an attribute of this object,
 * -1 = sensitive. The ulong buffer holds CK_ULONG values. */
static int attr(int ki, int priv, CK_ATTRIBUTE_TYPE t, const void **v, CK_ULONG *len, CK_ULONG *ul)
{
	struct key *k = &keys[ki];
	*v = ul;
	*len = sizeof *ul;
	switch (t) {
	case CKA_CLASS: *ul = priv ? CKO_PRIVATE_KEY : CKO_CERTIFICATE; return 1;
	case CKA_TOKEN: *v = &yes; *len = 1; return 1;
	case CKA_PRIVATE: *v = priv ? &yes : &no; *len = 1; return 1;
	case CKA_ID: *v = k->id; *len = k->idlen; return 1;
	case CKA_LABEL: *v = k->label; *len = strlen(k->label); return 1;
	}
	if (!priv) {
		switch (t) {
		case CKA_CERTIFICATE_TYPE: *ul = CKC_X_509; return 1;
		case CKA_VALUE: *v = k->cert; *len = k->certlen; return 1;
		}
		return 0;
	}
	switch (t) {
	case CKA_KEY_TYPE: *ul = k->size == 64 ? CKK_GOSTR3410_512 : CKK_GOSTR3410; return 1;
	case CKA_GOSTR3410_PARAMS: *v = k->params; *len = k->paramslen; return 1;
	case CKA_SIGN: case CKA_SENSITIVE: *v = &yes; *len = 1; return 1;
	case CKA_ALWAYS_AUTHENTICATE: case CKA_EXTRACTABLE: *v = &no; *len = 1; return 1;
	case CKA_VALUE: return -1;
	}
	return 0;
}

static CK_RV GetAttributeValue(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_PTR tmpl, CK_ULONG n)
{
	CK_RV rv = CKR_OK;
	CK_ULONG i;
	int priv, ki;
	if (!get(h)) return CKR_SESSION_HANDLE_INVALID;
	if ((ki = obj_key(o, &priv)) < 0) return CKR_OBJECT_HANDLE_INVALID;
	for (i = 0; i < n; i++) {
		const void *v;
		CK_ULONG len, ul;
		int r = attr(ki, priv, tmpl[i].type, &v, &len, &ul);
		if (r <= 0) {
			tmpl[i].ulValueLen = CK_UNAVAILABLE_INFORMATION;
			rv = r < 0 ? CKR_ATTRIBUTE_SENSITIVE : CKR_ATTRIBUTE_TYPE_INVALID;
			continue;
		}
		if (tmpl[i].pValue == NULL) {
			tmpl[i].ulValueLen = len;
		} else if (tmpl[i].ulValueLen < len) {
			tmpl[i].ulValueLen = CK_UNAVAILABLE_INFORMATION;
			rv = CKR_BUFFER_TOO_SMALL;
		} else {
			memcpy(tmpl[i].pValue, v, len);
			tmpl[i].ulValueLen = len;
		}
	}
	return rv;
}

static int matches(int ki, int priv, CK_ATTRIBUTE_PTR tmpl, CK_ULONG n)
{
	CK_ULONG i;
	for (i = 0; i < n; i++) {
		const void *v;
		CK_ULONG len, ul;
		if (attr(ki, priv, tmpl[i].type, &v, &len, &ul) <= 0 || len != tmpl[i].ulValueLen ||
		    memcmp(v, tmpl[i].pValue, len) != 0)
			return 0;
	}
	return 1;
}

static CK_RV FindObjectsInit(CK_SESSION_HANDLE h, CK_ATTRIBUTE_PTR tmpl, CK_ULONG n)
{
	struct session *s = get(h);
	CK_OBJECT_HANDLE o;
	if (!s) return CKR_SESSION_HANDLE_INVALID;
	if (s->finding) return CKR_OPERATION_ACTIVE;
	s->nfound = s->pos = 0;
	for (o = 1; o <= (CK_OBJECT_HANDLE)(2 * nkeys); o++) {
		int priv, ki = obj_key(o, &priv);
		if (ki >= 0 && matches(ki, priv, tmpl, n)) s->found[s->nfound++] = o;
	}
	s->finding = 1;
	return CKR_OK;
}

static CK_RV FindObjects(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE_PTR out, CK_ULONG max, CK_ULONG_PTR count)
{
	struct session *s = get(h);
	CK_ULONG n = 0;
	if (!s) return CKR_SESSION_HANDLE_INVALID;
	if (!s->finding) return CKR_OPERATION_NOT_INITIALIZED;
	while (n < max && s->pos < s->nfound) out[n++] = s->found[s->pos++];
	*count = n;
	return CKR_OK;
}

static CK_RV FindObjectsFinal(CK_SESSION_HANDLE h)
{
	struct session *s = get(h);
	if (!s) return CKR_SESSION_HANDLE_INVALID;
	if (!s->finding) return CKR_OPERATION_NOT_INITIALIZED;
	s->finding = 0;
	return CKR_OK;
}

static int offered(CK_MECHANISM_TYPE m, int size)
{
	switch (m) {
	case CKM_GOSTR3410: return offer_raw && size == 32;
	case CKM_GOSTR3410_512: return offer_raw && size == 64;
	case CKM_GOSTR3410_WITH_GOSTR3411_12_256: return offer_hash && size == 32;
	case CKM_GOSTR3410_WITH_GOSTR3411_12_512: return offer_hash && size == 64;
	}
	return 0;
}

static CK_RV SignInit(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE o)
{
	struct session *s = get(h);
	int priv, ki;
	if (!s) return CKR_SESSION_HANDLE_INVALID;
	if (!logged_in) return CKR_USER_NOT_LOGGED_IN;
	if (s->signing) return CKR_OPERATION_ACTIVE;
	if ((ki = obj_key(o, &priv)) < 0 || !priv) return CKR_KEY_HANDLE_INVALID;
	if (!m || !offered(m->mechanism, keys[ki].size)) return CKR_MECHANISM_INVALID;
	s->signing = 1;
	s->mech = m->mechanism;
	s->key = ki;
	return CKR_OK;
}

static CK_RV Sign(CK_SESSION_HANDLE h, CK_BYTE_PTR data, CK_ULONG dlen, CK_BYTE_PTR sig, CK_ULONG_PTR slen)
{
	struct session *s = get(h);
	struct key *k;
	unsigned char hash[64];
	const unsigned char *tbs = data;
	size_t tbslen = dlen, outlen;
	EVP_PKEY_CTX *pc;
	CK_RV rv = CKR_OK;
	if (!s) return CKR_SESSION_HANDLE_INVALID;
	if (!s->signing) return CKR_OPERATION_NOT_INITIALIZED;
	k = &keys[s->key];
	if (sig == NULL) { *slen = 2 * k->size; return CKR_OK; }
	if (*slen < (CK_ULONG)(2 * k->size)) { *slen = 2 * k->size; return CKR_BUFFER_TOO_SMALL; }
	s->signing = 0;
	if (s->mech == CKM_GOSTR3410_WITH_GOSTR3411_12_256 || s->mech == CKM_GOSTR3410_WITH_GOSTR3411_12_512) {
		unsigned int hl = 0;
		const EVP_MD *md = ENGINE_get_digest(eng, k->size == 64 ? NID_id_GostR3411_2012_512 : NID_id_GostR3411_2012_256);
		if (!md || !EVP_Digest(data, dlen, hash, &hl, md, NULL)) return CKR_FUNCTION_FAILED;
		tbs = hash;
		tbslen = hl;
	} else if (dlen != (CK_ULONG)k->size) {
		return CKR_DATA_LEN_RANGE;
	}
	pc = EVP_PKEY_CTX_new(k->pkey, eng);
	outlen = (size_t)*slen;
	if (!pc || EVP_PKEY_sign_init(pc) <= 0 || EVP_PKEY_sign(pc, sig, &outlen, tbs, tbslen) <= 0)
		rv = CKR_FUNCTION_FAILED;
	else
		*slen = outlen;
	EVP_PKEY_CTX_free(pc);
	return rv;
}

static CK_RV GetMechanismInfo(CK_SLOT_ID id, CK_MECHANISM_TYPE m, CK_MECHANISM_INFO_PTR p)
{
	if (id != SLOT) return CKR_SLOT_ID_INVALID;
	if (!offered(m, 32) && !offered(m, 64)) return CKR_MECHANISM_INVALID;
	memset(p, 0, sizeof *p);
	p->ulMinKeySize = offered(m, 32) ? 256 : 512;
	p->ulMaxKeySize = offered(m, 64) ? 512 : 256;
	p->flags = CKF_HW | CKF_SIGN;
	return CKR_OK;
}

static CK_FUNCTION_LIST functions;

CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR pp)
{
	/* Every entry "not supported" first, then the ones this module has. */
	char *first = (char *)&functions.C_Initialize;
	size_t n = (sizeof functions - offsetof(CK_FUNCTION_LIST, C_Initialize)) / sizeof(void *), i;
	for (i = 0; i < n; i++) {
		void *f = (void *)unsupported;
		memcpy(first + i * sizeof(void *), &f, sizeof f);
	}
	functions.version.major = 2;
	functions.version.minor = 40;
	functions.C_Initialize = Initialize;
	functions.C_Finalize = Finalize;
	functions.C_GetInfo = GetInfo;
	functions.C_GetFunctionList = C_GetFunctionList;
	functions.C_GetSlotList = GetSlotList;
	functions.C_GetSlotInfo = GetSlotInfo;
	functions.C_GetTokenInfo = GetTokenInfo;
	functions.C_GetMechanismList = GetMechanismList;
	functions.C_GetMechanismInfo = GetMechanismInfo;
	functions.C_OpenSession = OpenSession;
	functions.C_CloseSession = CloseSession;
	functions.C_GetSessionInfo = GetSessionInfo;
	functions.C_Login = Login;
	functions.C_Logout = Logout;
	functions.C_GetAttributeValue = GetAttributeValue;
	functions.C_FindObjectsInit = FindObjectsInit;
	functions.C_FindObjects = FindObjects;
	functions.C_FindObjectsFinal = FindObjectsFinal;
	functions.C_SignInit = SignInit;
	functions.C_Sign = Sign;
	*pp = &functions;
	return CKR_OK;
}
