//go:build !unix

package atomicfile

// nonblock is 0 where named pipes cannot appear in the file system.
const nonblock = 0
