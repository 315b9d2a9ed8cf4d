package main

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"gonum.org/v1/gonum/mat"
)

// readSet reads the images (scaled to 0..1, one per row) and labels of one
// set, "train" or "t10k", from the standard IDX files in dir, gzipped or not.
func readSet(dir, set string) (*mat.Dense, []int, error) {
	img, err := readIDX(dir, set+"-images-idx3-ubyte")
	if err != nil {
		return nil, nil, err
	}
	lab, err := readIDX(dir, set+"-labels-idx1-ubyte")
	if err != nil {
		return nil, nil, err
	}
	if len(img.dims) != 3 || len(lab.dims) != 1 || img.dims[0] != lab.dims[0] {
		return nil, nil, fmt.Errorf("%s: images %v and labels %v do not match", set, img.dims, lab.dims)
	}
	n, cols := img.dims[0], img.dims[1]*img.dims[2]
	x := make([]float64, n*cols)
	for i, b := range img.data {
		x[i] = float64(b) / 255
	}
	labels := make([]int, n)
	for i, b := range lab.data {
		labels[i] = int(b)
	}
	return mat.NewDense(n, cols, x), labels, nil
}

type idx struct {
	dims []int
	data []byte
}

// readIDX reads one IDX file of unsigned bytes: a big-endian header (two
// zero bytes, the type 0x08, the number of dimensions, each dimension as a
// uint32), then the data.
func readIDX(dir, stem string) (*idx, error) {
	path := filepath.Join(dir, stem+".gz")
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		path = filepath.Join(dir, stem)
		f, err = os.Open(path)
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = bufio.NewReader(f)
	if filepath.Ext(path) == ".gz" {
		if r, err = gzip.NewReader(r); err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
	}
	var head [4]byte
	if _, err := io.ReadFull(r, head[:]); err != nil || head[0] != 0 || head[1] != 0 || head[2] != 0x08 {
		return nil, fmt.Errorf("%s: not an IDX file of unsigned bytes", path)
	}
	m := &idx{dims: make([]int, head[3])}
	size := 1
	for i := range m.dims {
		var d uint32
		if err := binary.Read(r, binary.BigEndian, &d); err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		m.dims[i] = int(d)
		size *= int(d)
	}
	m.data = make([]byte, size)
	if _, err := io.ReadFull(r, m.data); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return m, nil
}
