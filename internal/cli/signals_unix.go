//go:build unix

package cli

import (
	"os"
	"syscall"
)

// stopSignals stop a MainContext run cleanly; pipeSignal is the one a write
// to a broken pipe raises.
var (
	stopSignals           = []os.Signal{os.Interrupt, syscall.SIGTERM}
	pipeSignal  os.Signal = syscall.SIGPIPE
)
