package data

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"nnfromscratch/internal/atomicfile"
	"nnfromscratch/internal/format"
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

// MaxImageBytes is the most pixel bytes this package reads for one data set:
// one IDX images file, one CSV file, or the training and test images of a
// folder together. It is 64 MiB (67,108,864 bytes); the full MNIST holds
// 54,880,000 (47,040,000 to train, 7,840,000 to test), Fashion-MNIST as
// many. Every size a file claims is checked against it before anything is
// allocated, so a damaged or hostile file (a header announcing 640,000
// images, a small gzip file that would decompress to gigabytes) is refused
// at once. It also bounds what a program derives from the bytes: as float64
// numbers, ready for a network, they take 8 times as much, 512 MiB at most.
// A larger data set can still be used in part: see Loader.
const MaxImageBytes = 64 << 20

// maxFileBytes is the largest file the readers open, 1 GiB: far more than
// any file they accept can need (a gzipped or CSV file holding
// MaxImageBytes of pixels), so that a huge file of something else is
// refused rather than read to its end.
const maxFileBytes = 1 << 30

// maxCount is the largest number of images or labels a header may claim:
// anything more does not fit an int on every platform.
const maxCount = 1<<31 - 1

// fetchAgain ends the message about a damaged file: what to do about it.
const fetchAgain = "download or copy it again"

// ReadIDXImages reads an IDX images file (magic number 2051), gzipped or not.
// The Set it returns holds the images without labels (Labels is nil): see
// ReadIDXLabels, or Load, which reads both and checks that they match.
func ReadIDXImages(path string) (*Set, error) {
	f, err := atomicfile.OpenRegular(path, maxFileBytes)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return DecodeIDXImages(f, path)
}

// ReadIDXLabels reads an IDX labels file (magic number 2049), gzipped or not.
func ReadIDXLabels(path string) (labels []byte, err error) {
	f, err := atomicfile.OpenRegular(path, maxFileBytes)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return DecodeIDXLabels(f, path)
}

// DecodeIDXImages reads an IDX images file from r. The data may be gzipped:
// that is detected from the first two bytes (0x1f 0x8b), not from a file
// name. name is only used in error messages. The images may hold at most
// MaxImageBytes bytes, and the data must be exactly as long as the header
// says. The Set has no labels (Labels is nil).
func DecodeIDXImages(r io.Reader, name string) (*Set, error) {
	x, err := newIDXReader(r, name)
	if err != nil {
		return nil, err
	}
	h, err := x.imagesHeader()
	if err != nil {
		return nil, err
	}
	if err := h.fits(h.n, MaxImageBytes, 0); err != nil {
		return nil, err
	}
	return x.images(h, h.n)
}

// DecodeIDXLabels reads an IDX labels file from r, gzipped or not (see
// DecodeIDXImages), of at most MaxImageBytes labels. It returns the labels
// as they are stored; checking that they fit the number of classes is left
// to the caller.
func DecodeIDXLabels(r io.Reader, name string) ([]byte, error) {
	x, err := newIDXReader(r, name)
	if err != nil {
		return nil, err
	}
	n, err := x.labelsHeader()
	if err != nil {
		return nil, err
	}
	if n > MaxImageBytes {
		return nil, fmt.Errorf("%s: header says %d labels, more than the %s this program reads for one data set: the header is corrupt (%s), or the data set is too large for this program",
			name, n, format.Thousands(MaxImageBytes), fetchAgain)
	}
	return x.labels(n, n)
}

// imagesHeader is what the header of an images file says.
type imagesHeader struct {
	name          string
	n, rows, cols int
}

// size is the number of bytes of n images, in 64 bits: a header may
// announce more than an int holds where it has 32.
func (h imagesHeader) size(n int) uint64 { return uint64(n) * uint64(h.rows) * uint64(h.cols) }

// what describes the images the header announces, for messages.
func (h imagesHeader) what() string {
	return fmt.Sprintf("%d images of %dx%d (%d bytes)", h.n, h.rows, h.cols, h.size(h.n))
}

// fits checks that the first n images fit in budget bytes. used is what
// other files of the same data set already took (the test images, when the
// training images are read), for the message.
func (h imagesHeader) fits(n, budget, used int) error {
	size := h.size(n)
	if size <= uint64(budget) {
		return nil
	}
	images := fmt.Sprintf("%d images", n)
	if n < h.n {
		images = fmt.Sprintf("the first %d of its %d images", n, h.n)
	}
	with := ","
	if used > 0 {
		with = fmt.Sprintf("; with the %s bytes of the test images, that is", format.Thousands(used))
	}
	return &TooLargeError{Path: h.name, Images: n, ImageBytes: h.rows * h.cols, Used: used,
		msg: fmt.Sprintf("%s: header says %s of %dx%d (%s bytes)%s more than the %s bytes (64 MiB) this program reads for one data set: the header is corrupt (%s), or the data set is too large for this program",
			h.name, images, h.rows, h.cols, format.Thousands64(int64(size)), with, format.Thousands(MaxImageBytes), fetchAgain)}
}

// TooLargeError is the error of an IDX images file whose images, the ones
// asked for, do not fit in MaxImageBytes. A Loader with limits reads only
// the first images of a file, so a program can say how many would fit.
type TooLargeError struct {
	Path       string // the images file
	Images     int    // the images that were to be read from it
	ImageBytes int    // the bytes of one image
	Used       int    // the bytes the data set's test images took already, when Path holds the training images; 0 otherwise
	msg        string
}

func (e *TooLargeError) Error() string { return e.msg }

// imagesHeader reads the header of an images file and checks that its
// numbers make sense, before anything is allocated for the data.
func (x *idxReader) imagesHeader() (imagesHeader, error) {
	dims, err := x.header(magicImages, 3)
	if err != nil {
		return imagesHeader{}, err
	}
	n, rows, cols := dims[0], dims[1], dims[2]
	if (rows == 0 || cols == 0) && n > 0 {
		return imagesHeader{}, fmt.Errorf("%s: header says %d images of %dx%d pixels: an image needs at least one pixel", x.name, n, rows, cols)
	}
	// Every dimension is below 2^32, so rows*cols fits in 64 bits; once it
	// is known to be at most MaxImageBytes, so does n*rows*cols.
	if perImage := rows * cols; perImage > MaxImageBytes {
		return imagesHeader{}, fmt.Errorf("%s: header says images of %dx%d pixels, %d bytes each, more than the %s bytes (64 MiB) this program reads for a whole data set: the header is corrupt; %s",
			x.name, rows, cols, perImage, format.Thousands(MaxImageBytes), fetchAgain)
	}
	if n > maxCount {
		return imagesHeader{}, fmt.Errorf("%s: header says %d images, more than any data set this program can read: the header is corrupt; %s", x.name, n, fetchAgain)
	}
	return imagesHeader{name: x.name, n: int(n), rows: int(rows), cols: int(cols)}, nil
}

// labelsHeader reads the header of a labels file: the number of labels.
func (x *idxReader) labelsHeader() (int, error) {
	dims, err := x.header(magicLabels, 1)
	if err != nil {
		return 0, err
	}
	if dims[0] > maxCount {
		return 0, fmt.Errorf("%s: header says %d labels, more than any data set this program can read: the header is corrupt; %s", x.name, dims[0], fetchAgain)
	}
	return int(dims[0]), nil
}

// images reads the first n of the images h announces (all of them when n
// is h.n, and then checks that nothing follows). The caller has checked
// that they fit.
func (x *idxReader) images(h imagesHeader, n int) (*Set, error) {
	pixels, err := x.body(int(h.size(n)), n == h.n, h.what())
	if err != nil {
		return nil, err
	}
	return &Set{Images: pixels, Rows: h.rows, Cols: h.cols}, nil
}

// labels reads the first n of the total labels the header announces.
func (x *idxReader) labels(n, total int) ([]byte, error) {
	return x.body(n, n == total, fmt.Sprintf("%d labels", total))
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

// body reads size bytes of the data the header announces (described by
// what, for messages): all of it when whole is true, and then it also checks
// that nothing follows; otherwise only its first part. It never trusts the header enough to allocate
// everything up front: the buffer grows as data actually arrives, doubling
// from 64 KiB, so a header that lies about the size costs nothing before it
// is caught, and memory stays within three times what has arrived.
func (x *idxReader) body(size int, whole bool, what string) ([]byte, error) {
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
	if !whole {
		return buf, nil // only the first part was asked for
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
