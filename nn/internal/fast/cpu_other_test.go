//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package fast

// processCPU is not measured on this platform.
func processCPU() (float64, bool) { return 0, false }
