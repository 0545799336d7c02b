package ui

// RecentFiles keeps the last key files that opened, in the app's
// preferences (paths only; never passwords).
type RecentFiles struct {
	Prefs interface {
		StringList(string) []string
		SetStringList(string, []string)
	}
}

const maxRecent = 5

// List returns the recent paths, newest first.
func (r *RecentFiles) List() []string { return r.Prefs.StringList("recentKeyFiles") }

// Add puts path first.
func (r *RecentFiles) Add(path string) {
	l := []string{path}
	for _, p := range r.List() {
		if p != path && len(l) < maxRecent {
			l = append(l, p)
		}
	}
	r.Prefs.SetStringList("recentKeyFiles", l)
}
