package agent

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"io"
	"os"

	"github.com/qoltanba/qoltanba/signer"
	"github.com/qoltanba/qoltanba/token"
)

// MaxFileSize bounds a file signed attached on a page's behalf (detached
// signing streams any size).
const MaxFileSize = 256 << 20

// sign signs the request's documents with k, telling progress (if any)
// how many are done.
func (a *Agent) sign(ctx context.Context, req *Request, k *token.Key, progress func(done, total int)) (*Result, error) {
	pair := keyPair(k)
	step := func(done int) {
		if progress != nil {
			progress(done, max(len(req.Documents), 1))
		}
	}
	step(0)
	res := &Result{Certificate: k.Certificate}
	cmsOpts := &signer.CMSOptions{Detached: req.Detached || req.Digested}
	login := req.Action == ActionLogin // set only by the native login door
	if login {
		cmsOpts.Attributes = []signer.Attribute{signer.LoginAttribute()}
	}
	if req.Timestamp {
		if a.tsa == nil {
			return nil, fmt.Errorf("%w: no timestamp authority configured", signer.ErrTimestamp)
		}
		cmsOpts.TSA = a.tsa
	}
	if req.FilePath != "" {
		out, err := a.signFile(ctx, req, pair, cmsOpts)
		if err != nil {
			return nil, err
		}
		res.Signatures = [][]byte{out}
		step(1)
		return res, nil
	}
	switch req.Format {
	case FormatXML:
		opts := &signer.XMLOptions{TBSXPath: req.TBSXPath, ParentXPath: req.Parent}
		if login {
			opts.ReferenceType = signer.LoginReferenceType
		}
		for i, d := range req.Documents {
			out, err := signer.SignXML(d, pair, opts)
			if err != nil {
				return nil, fmt.Errorf("document %d: %w", i+1, err)
			}
			res.Signatures = append(res.Signatures, out)
			step(i + 1)
		}
	case FormatCMS:
		for i, d := range req.Documents {
			var out []byte
			var err error
			switch {
			case req.Digested:
				out, err = signer.SignCMSDigest(ctx, d, pair, cmsOpts)
			case req.CoSign && isCMS(d):
				out, err = signer.CoSignCMS(ctx, d, nil, pair, cmsOpts)
			default:
				out, err = signer.SignCMS(ctx, d, pair, cmsOpts)
			}
			if err != nil {
				return nil, fmt.Errorf("document %d: %w", i+1, err)
			}
			res.Signatures = append(res.Signatures, out)
			step(i + 1)
		}
	case FormatRaw:
		if req.Digested && loginKey(signer.IdentityOf(k.Certificate)) {
			// A bare digest signed by a key that can log in
			// is a signature over anything, a login included.
			return nil, BadRequest("a key that can log in does not sign a bare digest; use a signing key or CMS")
		}
		pub, err := signer.PublicKey(k.Certificate)
		if err != nil {
			return nil, err
		}
		s, err := signer.SchemeFor(pub)
		if err != nil {
			return nil, err
		}
		for i, d := range req.Documents {
			if req.RawInput != nil && !req.Digested {
				if d, err = req.RawInput(k.Certificate, d); err != nil {
					return nil, fmt.Errorf("document %d: %w", i+1, err)
				}
			}
			var sig []byte
			switch {
			case req.RSAPSS && s.Key == signer.RSA && !req.Digested:
				// JWS PS256 (VGCA's SignJson with IsPss).
				sig, err = k.Signer.Sign(rand.Reader, s.Digest(d), &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: s.Hash})
			case !req.Digested:
				// The data itself: a GOST token that only hashes on the
				// card gets it (signer.SignData).
				sig, err = signer.SignData(k.Signer, rand.Reader, d, s)
			case len(d) != s.DigestSize():
				return nil, BadRequest("document %d: a %s digest is %d bytes", i+1, s.Key, s.DigestSize())
			case req.RSAPSS && s.Key == signer.RSA:
				sig, err = k.Signer.Sign(rand.Reader, d, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: s.Hash})
			default:
				sig, err = k.Signer.Sign(rand.Reader, d, s)
			}
			if err != nil {
				return nil, fmt.Errorf("document %d: %w", i+1, err)
			}
			res.Signatures = append(res.Signatures, sig)
			step(i + 1)
		}
	}
	return res, nil
}

// signFile signs the file the page named and the user confirmed.
func (a *Agent) signFile(ctx context.Context, req *Request, pair signer.KeyPair, opts *signer.CMSOptions) ([]byte, error) {
	f, err := os.Open(req.FilePath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if opts.Detached {
		return signer.SignCMSReader(ctx, f, pair, opts)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileSize {
		return nil, TooLarge("file larger than %d bytes; sign it detached", MaxFileSize)
	}
	if looksLikeLogin(data, false) {
		return nil, errLoginContent
	}
	return signer.SignCMS(ctx, data, pair, opts)
}

func isCMS(d []byte) bool {
	_, err := signer.ParseCMS(d)
	return err == nil
}
