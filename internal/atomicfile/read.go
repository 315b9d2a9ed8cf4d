package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"nnfromscratch/internal/format"
)

// Reader is a regular file opened by OpenRegular. Reading it gives at most
// its limit of bytes: one more, and Read fails with a *TooLargeError. That
// holds even for a file whose size the system does not know in advance, such
// as those under /proc, which report 0 bytes and then have content.
type Reader struct {
	f     *os.File
	left  int64 // bytes that may still be read
	limit int64
	size  int64
}

// OpenRegular opens path for reading, after checking that it is a regular
// file of at most limit bytes. A folder, a device (/dev/zero), a named pipe
// or a socket is refused before it is opened, so nothing can make the caller
// wait for a writer that never comes or read without end. A symbolic link is
// followed: what counts is the file it leads to.
//
// Every error is one line that starts with path: "x.csv: is a named pipe
// (FIFO), not a regular file; copy the data into a file first".
func OpenRegular(path string, limit int64) (*Reader, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, openError(path, err)
	}
	if err := checkRegular(path, st, limit); err != nil {
		return nil, err
	}
	// nonblock keeps open from waiting, should a named pipe have taken
	// the file's place since the check; the check below then refuses it.
	f, err := os.OpenFile(path, os.O_RDONLY|nonblock, 0)
	if err != nil {
		return nil, openError(path, err)
	}
	fst, err := f.Stat()
	if err == nil && !os.SameFile(st, fst) {
		err = checkRegular(path, fst, limit)
		if err == nil {
			err = fmt.Errorf("%s: the file changed while it was being opened; try again", path)
		}
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return &Reader{f: f, left: limit, limit: limit, size: fst.Size()}, nil
}

// checkRegular refuses st unless it is a regular file of at most limit
// bytes.
func checkRegular(path string, st fs.FileInfo, limit int64) error {
	m := st.Mode()
	switch {
	case m.IsDir():
		return fmt.Errorf("%s: is a folder, not a file", path)
	case m&(fs.ModeNamedPipe|fs.ModeSocket) != 0:
		return fmt.Errorf("%s: is %s, not a regular file; copy the data into a file first", path, KindOf(m))
	case !m.IsRegular():
		return fmt.Errorf("%s: is %s, not a regular file; give the path of a file", path, KindOf(m))
	case st.Size() > limit:
		return fmt.Errorf("%s: %s bytes, more than the %s this program reads from such a file; is it the right file?",
			path, commas(st.Size()), commas(limit))
	}
	return nil
}

// openError describes why path could not be opened.
func openError(path string, err error) error {
	if errors.Is(err, fs.ErrPermission) {
		return fmt.Errorf("%s: permission denied; make the file readable (chmod a+r) or copy it somewhere you can read", path)
	}
	return fmt.Errorf("%s: %v", path, UnwrapPathError(err))
}

// Read reads from the file, up to its limit.
func (r *Reader) Read(p []byte) (int, error) {
	if r.left <= 0 {
		// The limit is reached: one byte more tells a file of exactly
		// limit bytes from a longer one.
		var one [1]byte
		if n, err := r.f.Read(one[:]); n == 0 {
			return 0, err
		}
		return 0, &TooLargeError{Limit: r.limit}
	}
	if int64(len(p)) > r.left {
		p = p[:r.left]
	}
	n, err := r.f.Read(p)
	r.left -= int64(n)
	return n, err
}

// Close closes the file.
func (r *Reader) Close() error { return r.f.Close() }

// Size returns the file's size as the system reported it when it was
// opened. It is 0 for an empty file, but also for files whose content is
// made as they are read (those under /proc): to know whether a file is
// empty, read it.
func (r *Reader) Size() int64 { return r.size }

// TooLargeError is the error of a Reader that reached its limit.
type TooLargeError struct {
	Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("the file holds more than %s bytes, the most this program reads from such a file", commas(e.Limit))
}

// commas writes n with a comma between groups of three digits.
func commas(n int64) string { return format.Thousands64(n) }
