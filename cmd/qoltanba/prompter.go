package main

import (
	"context"
	"sync/atomic"

	"github.com/qoltanba/qoltanba/agent"
)

// switchPrompter lets the agent start with the desktop's Prompter and fall
// back to agent.NoDialog if the desktop UI dies (no window can be created):
// the agent keeps answering, with a clear refusal instead of a stack trace.
type switchPrompter struct {
	p atomic.Pointer[agent.Prompter]
}

func newSwitchPrompter(p agent.Prompter) *switchPrompter {
	s := &switchPrompter{}
	s.set(p)
	return s
}

func (s *switchPrompter) set(p agent.Prompter) { s.p.Store(&p) }
func (s *switchPrompter) get() agent.Prompter  { return *s.p.Load() }

func (s *switchPrompter) Consent(ctx context.Context, q agent.ConsentQuestion) (agent.Consent, error) {
	return s.get().Consent(ctx, q)
}
func (s *switchPrompter) Choose(ctx context.Context, ss *agent.Session) error {
	return s.get().Choose(ctx, ss)
}
func (s *switchPrompter) ChooseFile(ctx context.Context, o agent.Origin, ext, dir string) (string, error) {
	return s.get().ChooseFile(ctx, o, ext, dir)
}
