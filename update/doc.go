// Package update keeps qoltanba and its data files current through The
// Update Framework (go-tuf's metadata/updater): the first root is carried in
// the binary (root.json, a placeholder that make release replaces with the
// repository's newest root, linked in as linkedRoot), every
// file fetched is checked against signed, unexpired targets/snapshot/
// timestamp metadata before it is used, and the program is swapped with
// minio/selfupdate only after TUF verified its length and hashes.
//
// It is a package of its own because the part has no other home: it is
// neither a door (transport), nor the signing path (agent), nor the
// installer (which sets up trust and autostart once, as root or the user),
// and both the command line (qoltanba update, status) and the agent's
// daily check use it. It imports no other package of the module.
//
// What it refuses, keeping the version that runs: a program older than or
// equal to the running one (never a downgrade), metadata that is expired
// (a frozen mirror), rolled back, signed by a revoked key or by too few
// keys, a target whose length or hash differs, a download larger than its
// signed length or the role's cap (an endless stream), and a server slower
// than the client's timeouts.
//
// The repository holds, per OS and architecture,
//
//	qoltanba/<version>/<goos>-<goarch>/qoltanba[.exe]   custom {"version": "<version>"}
//
// and data files under data/ (DataFiles): data the agent reads, never code,
// written to the user's data directory.
//
// One update runs at a time (Lock: flock or LockFileEx on a file in the
// state directory); on Unix the program is written under a name of its own
// and swapped by one atomic rename (apply_unix.go), on Windows by
// selfupdate's two (apply_windows.go); ApplyRecorded records the swap
// (SwapRecord) and Repair puts right what a crash mid-update left, putting
// an old program back only for a recorded swap. It writes only in folders
// of the user it runs as (PrepareStateDir, CheckOwnDir: no links, no one
// else's, writable by no one else; ErrUnsafePath otherwise), so root with a
// user's environment never acts on paths that user chose.
package update
