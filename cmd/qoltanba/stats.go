package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"time"
)

// statsEnv names a file that `serve` rewrites every second with its
// goroutine count and heap in use, for `make soak` (which watches them for
// growth from outside the process). Unset, nothing is written.
const statsEnv = "QOLTANBA_STATS"

func writeStats(ctx context.Context) {
	path := os.Getenv(statsEnv)
	if path == "" {
		return
	}
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			line := fmt.Sprintf("%d %d\n", runtime.NumGoroutine(), ms.HeapInuse)
			os.WriteFile(path+".tmp", []byte(line), 0o600)
			os.Rename(path+".tmp", path)
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}
