package installer

// CheckAllUsersProgram refuses, for install --all-users, a program a user
// could change: every user's browser starts it as the Gosuslugi plug-in
// host and every user's login starts it, so it must pass checkRootPath (a
// regular file owned by root, writable by no one else, reached through no
// symbolic link, in directories each owned by root and writable by no one
// else). The .deb and .rpm put it in /usr/bin.
func CheckAllUsersProgram(exe string) error {
	_, _, err := checkRootPath(exe)
	return err
}
