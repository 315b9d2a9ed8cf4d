package data

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// The IDX format, in which the MNIST database is published, is a short
// header followed by raw data:
//
//	bytes 0-1   always zero
//	byte  2     the type of each value: 0x08 means unsigned byte
//	byte  3     the number of dimensions: 3 for images, 1 for labels
//	then        each dimension as a 4-byte big-endian number
//	then        the values, last dimension varying fastest
//
// Read as one big-endian number, the first four bytes are the "magic
// number": 0x00000803 = 2051 for an images file, 0x00000801 = 2049 for a
// labels file.
const (
	magicImages = 2051
	magicLabels = 2049
)

// maxIDXBytes is the largest amount of data we accept. The full MNIST
// training images are 47,040,000 bytes; a header announcing more than 2 GiB
// is corrupt, and checking it stops us from even trying to read that much.
const maxIDXBytes = 1<<31 - 1

// fetchAgain ends the message about a damaged file: what to do about it.
const fetchAgain = "download or copy it again"

// ReadIDXImages reads an IDX images file (magic number 2051), gzipped or not.
// It returns all pixels, image after image, with the number of images and the
// size of each.
func ReadIDXImages(path string) (images []byte, n, rows, cols int, err error) {
	f, err := open(path)
	if err != nil {
		return nil, 0, 0, 0, err
	}
	defer f.Close()
	return DecodeIDXImages(f, path)
}

// ReadIDXLabels reads an IDX labels file (magic number 2049), gzipped or not.
func ReadIDXLabels(path string) (labels []byte, err error) {
	f, err := open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return DecodeIDXLabels(f, path)
}

// DecodeIDXImages reads an IDX images file from r. The data may be gzipped:
// that is detected from the first two bytes (0x1f 0x8b), not from a file
// name. name is only used in error messages.
func DecodeIDXImages(r io.Reader, name string) (images []byte, n, rows, cols int, err error) {
	x, err := newIDXReader(r, name)
	if err != nil {
		return nil, 0, 0, 0, err
	}
	dims, err := x.header(magicImages, 3)
	if err != nil {
		return nil, 0, 0, 0, err
	}
	n, rows, cols = int(dims[0]), int(dims[1]), int(dims[2])
	if (rows == 0 || cols == 0) && n > 0 {
		return nil, 0, 0, 0, fmt.Errorf("%s: header says %d images of %dx%d pixels: an image needs at least one pixel", name, n, rows, cols)
	}
	// Multiply in steps, each checked, so that a corrupt header with huge
	// numbers cannot overflow: every dimension is below 2^32, so rows*cols
	// fits in 64 bits, and it is checked before multiplying by n.
	perImage := dims[1] * dims[2]
	if perImage > maxIDXBytes || (perImage > 0 && dims[0] > maxIDXBytes/perImage) {
		return nil, 0, 0, 0, fmt.Errorf("%s: corrupt header: it says %d images of %dx%d pixels, more than 2 GiB", name, dims[0], dims[1], dims[2])
	}
	size := int(dims[0] * perImage)
	what := fmt.Sprintf("%d images of %dx%d (%d bytes)", n, rows, cols, size)
	images, err = x.body(size, what)
	if err != nil {
		return nil, 0, 0, 0, err
	}
	return images, n, rows, cols, nil
}

// DecodeIDXLabels reads an IDX labels file from r, gzipped or not (see
// DecodeIDXImages). It returns the labels as they are stored; checking that
// they fit the number of classes is left to the caller.
func DecodeIDXLabels(r io.Reader, name string) ([]byte, error) {
	x, err := newIDXReader(r, name)
	if err != nil {
		return nil, err
	}
	dims, err := x.header(magicLabels, 1)
	if err != nil {
		return nil, err
	}
	if dims[0] > maxIDXBytes {
		return nil, fmt.Errorf("%s: corrupt header: it says %d labels, more than 2 GiB", name, dims[0])
	}
	n := int(dims[0])
	return x.body(n, fmt.Sprintf("%d labels", n))
}

// idxReader reads one IDX file, remembering its name for error messages
// and whether it is gzipped.
type idxReader struct {
	name string
	gz   bool
	src  *errorTrap // where the bytes come from, after decompression if any
}

// errorTrap passes reads through and remembers the first real error (not the
// normal end of the data). It lets us tell "the data ran out" apart from "the
// gzip stream is broken", which io.ReadFull would report the same way.
type errorTrap struct {
	r   io.Reader
	err error
}

func (t *errorTrap) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if err != nil && err != io.EOF && t.err == nil {
		t.err = err
	}
	return n, err
}

func newIDXReader(r io.Reader, name string) (*idxReader, error) {
	br := bufio.NewReader(r)
	start, err := br.Peek(2)
	if len(start) == 0 {
		if err == io.EOF {
			return nil, fmt.Errorf("%s: empty file (0 bytes); %s", name, fetchAgain)
		}
		return nil, fmt.Errorf("%s: read error: %v", name, err)
	}
	x := &idxReader{name: name}
	if len(start) == 2 && start[0] == 0x1f && start[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, x.gzipError(err)
		}
		x.gz = true
		x.src = &errorTrap{r: zr}
	} else {
		x.src = &errorTrap{r: br}
	}
	return x, nil
}

// header reads and checks the magic number and the ndims dimensions.
func (x *idxReader) header(magic uint32, ndims int) ([]uint64, error) {
	buf := make([]byte, 4+4*ndims)
	got, _ := io.ReadFull(x.src, buf)
	if x.src.err != nil {
		return nil, x.readError()
	}
	if got == 0 {
		if x.gz {
			return nil, fmt.Errorf("%s: empty file (after decompressing); %s", x.name, fetchAgain)
		}
		return nil, fmt.Errorf("%s: empty file (0 bytes); %s", x.name, fetchAgain)
	}
	if got < 4 {
		return nil, fmt.Errorf("%s: not an IDX file: only %d bytes long; %s", x.name, got, fetchAgain)
	}
	if m := binary.BigEndian.Uint32(buf); m != magic {
		return nil, x.magicError(m, magic, buf[:got])
	}
	if got < len(buf) {
		return nil, fmt.Errorf("%s: truncated header: %d of %d bytes; the file is cut short: %s", x.name, got, len(buf), fetchAgain)
	}
	dims := make([]uint64, ndims)
	for i := range dims {
		dims[i] = uint64(binary.BigEndian.Uint32(buf[4+4*i:]))
	}
	return dims, nil
}

// body reads exactly size bytes of data and checks that nothing follows.
// It never trusts the header enough to allocate everything up front: the
// buffer grows as data actually arrives, so a header that lies about the
// size costs nothing before it is caught.
func (x *idxReader) body(size int, what string) ([]byte, error) {
	buf := make([]byte, 0, min(size, 64<<10))
	for len(buf) < size {
		if len(buf) == cap(buf) {
			bigger := make([]byte, len(buf), min(size, 2*cap(buf)))
			copy(bigger, buf)
			buf = bigger
		}
		n, err := io.ReadFull(x.src, buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if x.src.err != nil {
			return nil, x.readError()
		}
		if err != nil {
			return nil, fmt.Errorf("%s: truncated: header says %s but the file holds only %d after the header; %s", x.name, what, len(buf), fetchAgain)
		}
	}
	// Try to read one byte more: there should be none. For a gzipped file
	// this also makes the gzip reader check the stream's CRC-32 checksum.
	var one [1]byte
	n, _ := io.ReadFull(x.src, one[:])
	if x.src.err != nil {
		return nil, x.readError()
	}
	if n > 0 {
		return nil, fmt.Errorf("%s: more data than the header says (%s): the file is corrupt or not what it seems; %s", x.name, what, fetchAgain)
	}
	return buf, nil
}

// magicError explains a wrong magic number in words.
func (x *idxReader) magicError(got, want uint32, start []byte) error {
	kind := map[uint32]string{magicImages: "image", magicLabels: "label"}
	msg := fmt.Sprintf("%s: not an IDX %s file (magic %d, want %d)", x.name, kind[want], got, want)
	switch {
	case got == magicLabels:
		msg += ": this is a labels file; is the file name right?"
	case got == magicImages:
		msg += ": this is an images file; is the file name right?"
	case printable(start):
		msg += fmt.Sprintf(": it starts with %q, which looks like text (an HTML error page?); %s", start, fetchAgain)
	default:
		msg += ": is this the right file?"
	}
	return errors.New(msg)
}

// readError describes an error that came from the source of the bytes.
func (x *idxReader) readError() error {
	if x.gz {
		return x.gzipError(x.src.err)
	}
	return fmt.Errorf("%s: read error: %v", x.name, x.src.err)
}

func (x *idxReader) gzipError(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%s: corrupt gzip stream: it ends early (the file is cut short); %s", x.name, fetchAgain)
	}
	return fmt.Errorf("%s: corrupt gzip stream (%v); %s", x.name, err, fetchAgain)
}

// printable reports whether b is all printable ASCII (or white space).
func printable(b []byte) bool {
	for _, c := range b {
		if (c < 0x20 || c > 0x7e) && c != '\n' && c != '\r' && c != '\t' {
			return false
		}
	}
	return len(b) > 0
}

// open opens path for reading, with an error that names the file once.
func open(path string) (*os.File, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrPermission) {
		return nil, fmt.Errorf("%s: permission denied; make the file readable (chmod a+r) or copy it somewhere you can read", path)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, unwrapPath(err))
	}
	if st, err := f.Stat(); err == nil && st.IsDir() {
		f.Close()
		return nil, fmt.Errorf("%s: is a folder, not a file", path)
	}
	return f, nil
}
