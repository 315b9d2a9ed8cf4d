//go:build linux || darwin || freebsd || netbsd || openbsd

package fast

import "syscall"

// processCPU returns the seconds of CPU time this process has used, on all
// its threads. On a shared machine it is steadier than the time on the
// clock: it does not count the moments another program had the core.
func processCPU() (float64, bool) {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0, false
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9, true
}
