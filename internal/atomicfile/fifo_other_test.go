//go:build !unix

package atomicfile

import "testing"

// makeFIFO returns "": there are no named pipes in this file system.
func makeFIFO(t *testing.T, dir, name string) string { return "" }
