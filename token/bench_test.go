package token

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func BenchmarkParsePKCS12(b *testing.B) {
	for _, prefix := range []string{"GOST512", "RSA256", "GOSTKNCA"} {
		var file string
		for _, f := range sharedKeyFiles(b) {
			if strings.HasPrefix(filepath.Base(f), prefix) {
				file = f
				break
			}
		}
		data, err := os.ReadFile(file)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(prefix, func(b *testing.B) {
			for b.Loop() {
				keys, err := ParsePKCS12(data, testPassword)
				if err != nil {
					b.Fatal(err)
				}
				CloseAll(keys)
			}
		})
	}
}
