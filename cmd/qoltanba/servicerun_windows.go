package main

import (
	"github.com/kardianos/service"
	"golang.org/x/sys/windows/svc"

	"github.com/qoltanba/qoltanba/installer"
)

// runUnderServiceManager speaks the Windows service protocol directly when
// the service manager started us (service install puts
// --windows-service on the command line). kardianos decides by
// svc.IsWindowsService, which wants a parent named services.exe in session
// 0: true on Windows, false under Wine, where the service then never
// reports "running". The flag the installer wrote is not a guess.
func runUnderServiceManager(p *serviceProgram, s service.Service) error {
	return svc.Run(installer.ServiceName, &winHandler{p: p, s: s})
}

type winHandler struct {
	p *serviceProgram
	s service.Service
}

func (h *winHandler) Execute(_ []string, req <-chan svc.ChangeRequest, status chan<- svc.Status) (bool, uint32) {
	status <- svc.Status{State: svc.StartPending}
	if err := h.p.Start(h.s); err != nil {
		return true, 1
	}
	status <- svc.Status{State: svc.Running, Accepts: svc.AcceptStop | svc.AcceptShutdown}
	for c := range req {
		switch c.Cmd {
		case svc.Interrogate:
			status <- c.CurrentStatus
		case svc.Stop, svc.Shutdown:
			status <- svc.Status{State: svc.StopPending}
			h.p.Stop(h.s)
			return false, 0
		}
	}
	return false, 0
}
