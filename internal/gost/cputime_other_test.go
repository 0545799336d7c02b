//go:build !unix

package gost

func processCPU() (int64, bool) { return 0, false }
