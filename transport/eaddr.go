package transport

import "syscall"

func syscallEADDRINUSE() error { return syscall.EADDRINUSE }
