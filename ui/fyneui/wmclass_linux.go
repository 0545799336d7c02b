package fyneui

import "github.com/go-gl/glfw/v3.3/glfw"

// SetWindowClass makes every window created after it carry the X11
// WM_CLASS "qoltanba": GLFW otherwise takes the class from the window's
// title, which names the site, so the desktop would see a new program for
// every site and language. fyne never resets GLFW's window hints, so once
// is enough; it must run on fyne's main thread after the app started
// (App.Lifecycle().SetOnStarted).
func SetWindowClass() {
	glfw.WindowHintString(glfw.X11ClassName, "qoltanba")
	glfw.WindowHintString(glfw.X11InstanceName, "qoltanba")
}
