package agent

import (
	"context"
	"slices"

	"github.com/qoltanba/qoltanba/token"
)

// Unattended is the Prompter of the explicit unattended mode (qoltanba serve
// --unattended): it signs every request of the listed origins with one
// configured key, with no dialog. It is for site developers' automated
// tests and kiosks; the operator starts it knowingly and every signature is
// in the audit log.
type Unattended struct {
	// Origins that may use the key; every other is refused.
	Origins []Origin
	// Open returns the configured key(s) and a closer; it is called per
	// request so the key lives only for the operation.
	Open func(ctx context.Context) ([]*token.Key, func(), error)
}

func (u *Unattended) allowed(o Origin) bool { return slices.Contains(u.Origins, o) }

// Consent allows listed origins for this request only.
func (u *Unattended) Consent(_ context.Context, q ConsentQuestion) (Consent, error) {
	if u.allowed(q.Origin) {
		return AllowOnce, nil
	}
	return Block, nil
}

// Choose opens the configured key and signs with the first selectable one,
// through the session as every prompter does.
func (u *Unattended) Choose(ctx context.Context, s *Session) error {
	if !u.allowed(s.Request.Origin) {
		return ErrOriginDenied
	}
	if s.Request.FilePath != "" {
		return ErrCanceled // no file access without a person
	}
	keys, closer, err := u.Open(ctx)
	if err != nil {
		return err
	}
	for _, o := range s.Offer(keys, closer) {
		if o.Selectable {
			return s.Approve(ctx, &o, nil)
		}
	}
	return ErrNoMatchingKey
}

// ChooseFile is refused: nobody is there to choose.
func (u *Unattended) ChooseFile(context.Context, Origin, string, string) (string, error) {
	return "", ErrCanceled
}
