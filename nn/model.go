// Chapter 7 (ch07_mnist) explains this file: saving a trained network as
// text a person can read, and loading it back exactly.

package nn

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// modelMagic opens every model file; the number after it is the format version.
const modelMagic = "nnfromscratch-mlp"

// modelVersion is the format Save writes and the only one Load reads.
const modelVersion = 1

// Save writes the network as text:
//
//	nnfromscratch-mlp 1
//	sizes 784 64 64 64 10
//	activation relu
//	W1 784 64
//	<784 lines of 64 numbers>
//	b1 1 64
//	<1 line of 64 numbers>
//	…
//	end
//
// Numbers are written in the shortest form that reads back to the same
// float64, so Load reproduces the network bit for bit.
func (n *MLP) Save(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%s %d\n", modelMagic, modelVersion)
	fmt.Fprintf(bw, "sizes %s\n", strings.ReplaceAll(SizesString(n.Sizes), "-", " "))
	fmt.Fprintf(bw, "activation %s\n", n.Activation)
	buf := make([]byte, 0, 32)
	for _, p := range n.Params() {
		fmt.Fprintf(bw, "%s %d %d\n", p.Name, p.Value.Rows(), p.Value.Cols())
		for _, row := range p.Value {
			for j, v := range row {
				if j > 0 {
					bw.WriteByte(' ')
				}
				bw.Write(strconv.AppendFloat(buf[:0], v, 'g', -1, 64))
			}
			bw.WriteByte('\n')
		}
	}
	bw.WriteString("end\n")
	return bw.Flush()
}

// Load reads a network written by Save. Every line is checked: the header and
// version, that the sizes are sane, that each matrix has the name and shape
// the sizes imply, that every value is a finite number, and that the file
// ends with "end". Errors name the line.
func Load(r io.Reader) (*MLP, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<16), 64*MaxWidth)
	line := 0
	next := func(what string) ([]string, error) {
		if !sc.Scan() {
			if err := sc.Err(); errors.Is(err, bufio.ErrTooLong) {
				return nil, fmt.Errorf("line %d: longer than any line of a model file: this is not a model saved by this program", line+1)
			} else if err != nil {
				return nil, fmt.Errorf("line %d: %v", line+1, err)
			}
			return nil, fmt.Errorf("file ends early, at line %d, where %s should be: it was cut short; save the model again", line+1, what)
		}
		line++
		return strings.Fields(sc.Text()), nil
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("line %d: %s", line, fmt.Sprintf(format, args...))
	}

	f, err := next("the header")
	if err != nil {
		return nil, err
	}
	if len(f) != 2 || f[0] != modelMagic {
		return nil, bad("not a model file (it should start with %q)", modelMagic+" "+fmt.Sprint(modelVersion))
	}
	if f[1] != strconv.Itoa(modelVersion) {
		return nil, bad("model format version %s, but this program reads version %d: train and save the model again with this program", f[1], modelVersion)
	}

	if f, err = next("the sizes"); err != nil {
		return nil, err
	}
	if len(f) < 3 || f[0] != "sizes" {
		return nil, bad("want \"sizes\" and at least two layer widths")
	}
	sizes := make([]int, len(f)-1)
	for i, s := range f[1:] {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 || v > MaxWidth {
			return nil, bad("layer size %q is not a whole number in 1..%d", s, MaxWidth)
		}
		sizes[i] = v
	}

	if f, err = next("the activation"); err != nil {
		return nil, err
	}
	if len(f) != 2 || f[0] != "activation" {
		return nil, bad("want \"activation\" and its name")
	}
	n, err := NewMLP(sizes, f[1], nil)
	if err != nil {
		return nil, bad("%v", err)
	}

	for _, p := range n.Params() {
		header := fmt.Sprintf("%s %d %d", p.Name, p.Value.Rows(), p.Value.Cols())
		if f, err = next(header); err != nil {
			return nil, err
		}
		if strings.Join(f, " ") != header {
			return nil, bad("found %q where %q should be (the sizes line says %s; edited by hand?); fix it or save the model again", strings.Join(f, " "), header, SizesString(sizes))
		}
		for i, row := range p.Value {
			if f, err = next(fmt.Sprintf("row %d of %s", i+1, p.Name)); err != nil {
				return nil, err
			}
			if len(f) != len(row) {
				return nil, bad("row %d of %s has %d numbers, want %d (edited by hand?); fix it or save the model again", i+1, p.Name, len(f), len(row))
			}
			for j, s := range f {
				v, err := strconv.ParseFloat(s, 64)
				if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
					return nil, bad("%q in row %d of %s is not a finite number (edited by hand?); fix it or save the model again", s, i+1, p.Name)
				}
				row[j] = v
			}
		}
	}
	if f, err = next("\"end\""); err != nil {
		return nil, err
	}
	if len(f) != 1 || f[0] != "end" {
		return nil, bad("want \"end\" after the last matrix")
	}
	if sc.Scan() && strings.TrimSpace(sc.Text()) != "" {
		return nil, fmt.Errorf("line %d: unexpected text after \"end\"", line+1)
	}
	return n, nil
}
