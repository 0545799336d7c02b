//go:build !windows

package main

import (
	"errors"

	"github.com/kardianos/service"
)

// runUnderServiceManager: --windows-service is for Windows; systemd and
// launchd start `service run` as it is (kardianos's Run).
func runUnderServiceManager(*serviceProgram, service.Service) error {
	return errors.New("--windows-service is for Windows")
}
