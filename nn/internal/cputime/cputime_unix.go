//go:build linux || darwin || freebsd || netbsd || openbsd

// Package cputime tells how much CPU time this process has used, for the
// benchmarks of nn and its fast path: on a shared machine it is steadier
// than the time on the clock, since it does not count the moments another
// program had the core.
package cputime

import "syscall"

// Process returns the seconds of CPU time this process has used on all its
// threads, and false where that cannot be measured.
func Process() (float64, bool) {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0, false
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9, true
}
