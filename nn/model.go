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

// modelVersion is the format Save writes. Load reads it and version 1, the
// format before batch normalisation, dropout and standardised input, whose
// files are those of version 2 without the lines for them.
const modelVersion = 2

// Save writes the network as text, everything inference needs:
//
//	nnfromscratch-mlp 2
//	sizes 784 100 100 10
//	activation relu
//	batchnorm eps 1e-05              only with batch normalisation
//	dropout 0.5 input 0.2            only with dropout: its rates while training
//	input mean 0.1307 std 0.3081     only with standardised input (else p/255)
//	W1 784 100
//	<784 lines of 100 numbers>
//	gamma1 1 100                     a BatchNorm's γ, β and running statistics
//	beta1 1 100                      follow the Dense layer they belong to
//	running_mean1 1 100              (which then has no bias b1)
//	running_var1 1 100
//	…
//	W3 100 10
//	<100 lines of 10 numbers>
//	b3 1 10
//	<1 line of 10 numbers>
//	end
//
// A network of Dense layers alone, with p/255 input, has none of the
// optional lines: its file is the version 1 file with a new version number.
// The dropout rates are there for information (inference drops nothing).
// Numbers are written in the shortest form that reads back to the same
// float64, so Load reproduces the network bit for bit.
func (n *MLP) Save(w io.Writer) error {
	eps, err := n.batchNormEps()
	if err != nil {
		return err
	}
	if err := n.Input.Check(); err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%s %d\n", modelMagic, modelVersion)
	fmt.Fprintf(bw, "sizes %s\n", strings.ReplaceAll(SizesString(n.Sizes), "-", " "))
	fmt.Fprintf(bw, "activation %s\n", n.Activation)
	buf := make([]byte, 0, 32)
	number := func(v float64) { bw.Write(strconv.AppendFloat(buf[:0], v, 'g', -1, 64)) }
	if n.BatchNorm {
		bw.WriteString("batchnorm eps ")
		number(eps)
		bw.WriteByte('\n')
	}
	if n.Dropout > 0 || n.InputDropout > 0 {
		bw.WriteString("dropout ")
		number(n.Dropout)
		bw.WriteString(" input ")
		number(n.InputDropout)
		bw.WriteByte('\n')
	}
	if !n.Input.None() {
		bw.WriteString("input mean ")
		number(n.Input.Mean)
		bw.WriteString(" std ")
		number(n.Input.Std)
		bw.WriteByte('\n')
	}
	for _, t := range n.tensors() {
		fmt.Fprintf(bw, "%s %d %d\n", t.name, t.m.Rows(), t.m.Cols())
		for _, row := range t.m {
			for j, v := range row {
				if j > 0 {
					bw.WriteByte(' ')
				}
				number(v)
			}
			bw.WriteByte('\n')
		}
	}
	bw.WriteString("end\n")
	return bw.Flush()
}

// tensor is one matrix of a model file: a parameter, or a BatchNorm's
// running statistics (variances, which cannot be negative).
type tensor struct {
	name     string
	m        Matrix
	variance bool
}

// tensors lists the matrices of the network in the order of its file: each
// layer's Params (named as MLP.Params names them) and, after a BatchNorm's
// γ and β, its running mean and variance.
func (n *MLP) tensors() []tensor {
	var ts []tensor
	params := n.Params()
	k, layer := 0, 0
	for _, l := range n.Layers {
		if _, ok := l.(*Dense); ok {
			layer++
		}
		for range l.Params() {
			ts = append(ts, tensor{name: params[k].Name, m: params[k].Value})
			k++
		}
		if bn, ok := l.(*BatchNorm); ok {
			ts = append(ts, tensor{name: fmt.Sprintf("running_mean%d", layer), m: bn.RunningMean},
				tensor{name: fmt.Sprintf("running_var%d", layer), m: bn.RunningVar, variance: true})
		}
	}
	return ts
}

// batchNormEps returns the ε every BatchNorm layer of n uses (Build gives
// them all the same), or an error if they differ, as the file has room for
// one.
func (n *MLP) batchNormEps() (float64, error) {
	eps, found := 0.0, false
	for _, l := range n.Layers {
		if bn, ok := l.(*BatchNorm); ok {
			if found && bn.Eps != eps {
				return 0, fmt.Errorf("nn.MLP.Save: the BatchNorm layers use different ε (%g and %g); a model file holds one", eps, bn.Eps)
			}
			eps, found = bn.Eps, true
		}
	}
	return eps, nil
}

// Load reads a network written by Save, in format version 2 or 1. Every line
// is checked: the header and version, that the sizes are sane (before any
// matrix is made), the optional lines of version 2 (batch normalisation's ε
// a positive number, dropout rates in [0, 1), a finite mean and a positive
// standard deviation), that each matrix has the name and shape the sizes
// imply, that every value is a finite number (and every running variance
// not negative), and that the file ends with "end". Errors name the line.
func Load(r io.Reader) (*MLP, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<16), 64*MaxWidth)
	line := 0
	var pending []string // a line read ahead, for next to return again
	next := func(what string) ([]string, error) {
		if pending != nil {
			f := pending
			pending = nil
			return f, nil
		}
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
	number := func(s, what string) (float64, error) {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, bad("%q for %s is not a finite number (edited by hand?); fix it or save the model again", s, what)
		}
		return v, nil
	}

	f, err := next("the header")
	if err != nil {
		return nil, err
	}
	if len(f) != 2 || f[0] != modelMagic {
		return nil, bad("not a model file (it should start with %q)", modelMagic+" "+fmt.Sprint(modelVersion))
	}
	version := map[string]int{"1": 1, "2": 2}[f[1]]
	if version == 0 {
		return nil, bad("model format version %s, but this program reads versions 1 and %d: train and save the model again with this program", f[1], modelVersion)
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
	arch := Architecture{Sizes: sizes, Activation: f[1]}
	if err := arch.Check(); err != nil {
		return nil, bad("%v", err)
	}

	// Version 2's optional lines, in this order; the first line that is
	// none of them is the first matrix's.
	eps := 1e-5
	var input Standardization
	first := fmt.Sprintf("W1 %d %d", sizes[0], sizes[1]) // every network's first matrix
	if f, err = next(first); err != nil {
		return nil, err
	}
	if version >= 2 && len(f) > 0 && f[0] == "batchnorm" {
		if len(f) != 3 || f[1] != "eps" {
			return nil, bad("want \"batchnorm eps\" and a number")
		}
		if eps, err = number(f[2], "batch normalisation's ε"); err != nil {
			return nil, err
		}
		if !(eps > 0) {
			return nil, bad("batch normalisation's ε %g must be positive (edited by hand?); fix it or save the model again", eps)
		}
		arch.BatchNorm = true
		if err := arch.Check(); err != nil {
			return nil, bad("%v", err)
		}
		if f, err = next(first); err != nil {
			return nil, err
		}
	}
	if version >= 2 && len(f) > 0 && f[0] == "dropout" {
		if len(f) != 4 || f[2] != "input" {
			return nil, bad("want \"dropout\", a rate, \"input\" and a rate")
		}
		for i, p := range []*float64{&arch.Dropout, &arch.InputDropout} {
			if *p, err = number(f[1+2*i], "a dropout rate"); err != nil {
				return nil, err
			}
		}
		if err := arch.Check(); err != nil {
			return nil, bad("%v (edited by hand?); fix it or save the model again", err)
		}
		if f, err = next(first); err != nil {
			return nil, err
		}
	}
	if version >= 2 && len(f) > 0 && f[0] == "input" {
		if len(f) != 5 || f[1] != "mean" || f[3] != "std" {
			return nil, bad("want \"input mean\", a number, \"std\" and a number")
		}
		if input.Mean, err = number(f[2], "the input's mean"); err != nil {
			return nil, err
		}
		if input.Std, err = number(f[4], "the input's standard deviation"); err != nil {
			return nil, err
		}
		if err := input.Check(); err != nil || input.None() {
			return nil, bad("input standardisation with mean %g and standard deviation %g: want a positive standard deviation (edited by hand?); fix it or save the model again", input.Mean, input.Std)
		}
		if f, err = next(first); err != nil {
			return nil, err
		}
	}
	pending = f

	n, err := Build(arch, nil)
	if err != nil {
		return nil, bad("%v", err) // Check has refused all Build refuses
	}
	n.Input = input
	for _, l := range n.Layers {
		if bn, ok := l.(*BatchNorm); ok {
			bn.Eps = eps
		}
	}
	for _, t := range n.tensors() {
		header := fmt.Sprintf("%s %d %d", t.name, t.m.Rows(), t.m.Cols())
		if f, err = next(header); err != nil {
			return nil, err
		}
		if strings.Join(f, " ") != header {
			return nil, bad("found %q where %q should be (the sizes line says %s; edited by hand?); fix it or save the model again", strings.Join(f, " "), header, SizesString(sizes))
		}
		for i, row := range t.m {
			if f, err = next(fmt.Sprintf("row %d of %s", i+1, t.name)); err != nil {
				return nil, err
			}
			if len(f) != len(row) {
				return nil, bad("row %d of %s has %d numbers, want %d (edited by hand?); fix it or save the model again", i+1, t.name, len(f), len(row))
			}
			for j, s := range f {
				v, err := strconv.ParseFloat(s, 64)
				if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
					return nil, bad("%q in row %d of %s is not a finite number (edited by hand?); fix it or save the model again", s, i+1, t.name)
				}
				if t.variance && v < 0 {
					return nil, bad("%q in row %d of %s is a negative variance (edited by hand?); fix it or save the model again", s, i+1, t.name)
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
