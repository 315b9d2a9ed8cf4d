//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package cputime

// Process is not measured on this platform: it returns false.
func Process() (float64, bool) { return 0, false }
