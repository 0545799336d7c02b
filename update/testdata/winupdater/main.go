// Command winupdater is the Windows test's program (update/wine_test.go):
// "version" prints the version it was linked with, like qoltanba version;
// "update URL ROOTFILE STATEDIR" replaces the running program with the
// repository's newer build the way qoltanba update does (holding the
// update lock, after a repair, recording the swap in STATEDIR); "repair
// EXE STATEDIR" puts right what an interrupted update left at EXE, as qoltanba-cli.exe does for the
// qoltanba.exe beside it.
package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/qoltanba/qoltanba/update"
)

var version = "dev"

func main() {
	if len(os.Args) > 1 && os.Args[1] == "version" {
		fmt.Println("qoltanba", version)
		return
	}
	if len(os.Args) == 4 && os.Args[1] == "repair" {
		done, err := update.Repair(os.Args[2], os.Args[3])
		for _, d := range done {
			fmt.Println(d)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "winupdater:", err)
			os.Exit(1)
		}
		return
	}
	if len(os.Args) != 5 || os.Args[1] != "update" {
		fmt.Fprintln(os.Stderr, "usage: winupdater version | update URL ROOTFILE STATEDIR | repair EXE STATEDIR")
		os.Exit(2)
	}
	if err := selfUpdate(os.Args[2], os.Args[3], os.Args[4]); err != nil {
		fmt.Fprintln(os.Stderr, "winupdater:", err)
		os.Exit(1)
	}
}

func selfUpdate(url, rootFile, stateDir string) error {
	root, err := os.ReadFile(rootFile)
	if err != nil {
		return err
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	unlock, err := update.Lock(stateDir, 10*time.Second) // LockFileEx
	if err != nil {
		return err
	}
	defer unlock()
	if _, err := update.Repair(exe, stateDir); err != nil {
		return err
	}
	ch, err := update.Check(context.Background(), update.Options{URL: url, Root: root, StateDir: stateDir, Version: version})
	if err != nil {
		return err
	}
	rel, err := ch.Newest()
	if err != nil || rel == nil {
		fmt.Println("up to date")
		return err
	}
	data, err := ch.Download(rel)
	if err != nil {
		return err
	}
	err = update.ApplyRecorded(exe, data, rel.SHA256, func(exe string) error {
		out, err := exec.Command(exe, "version").Output()
		if err != nil {
			return err
		}
		if got := strings.TrimSpace(string(out)); got != "qoltanba "+rel.Version {
			return fmt.Errorf("it says %q", got)
		}
		return nil
	}, stateDir, rel.Version)
	if err != nil {
		return err
	}
	fmt.Println("updated to", rel.Version)
	return nil
}
