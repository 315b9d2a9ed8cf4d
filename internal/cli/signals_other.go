//go:build !unix

package cli

import "os"

// stopSignals stop a MainContext run cleanly; elsewhere than on Unix only
// Ctrl-C can be caught, and no signal comes with a broken pipe.
var (
	stopSignals = []os.Signal{os.Interrupt}
	pipeSignal  os.Signal
)
