//go:build !amd64 || purego

package gost

// Without the amd64 assembly (other architectures, or the purego build
// tag) Streebog's compression is the Go code of streebog.go; gAsm and
// gAVX512 exist only so that streebog.go reads the same on every platform.
var useStreebogAsm, useStreebogAVX512 = false, false

func gAsm(h, n, m *block) { panic("gost: Streebog assembly called without it") }

func gAVX512(h, n, m *block, v *streebogVecTables) {
	panic("gost: Streebog assembly called without it")
}
