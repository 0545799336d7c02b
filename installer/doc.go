// Package installer sets the agent up on a machine and removes every trace
// again: a per-machine local CA (name-constrained to localhost, its key
// destroyed right after it issues the server certificate), trust in the
// browsers' stores, and start at login. A state file records what was put
// where, so uninstall removes exactly that.
package installer
