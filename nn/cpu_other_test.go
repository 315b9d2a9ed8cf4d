//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package nn

// processCPU is not measured on this platform.
func processCPU() (float64, bool) { return 0, false }
