package main

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"nnfromscratch/internal/golden"
	"nnfromscratch/nn"
)

func TestGolden(t *testing.T) {
	out := golden.Run(t, run, "-seed", "1", "-steps", "40", "-lr", "0.1")
	golden.Check(t, "run", out)
	golden.CheckDoc(t, "../docs/ch04_loss.md", out)
}

func TestFigures(t *testing.T) {
	dir, out := golden.CheckFigures(t, run)
	if !strings.Contains(string(out), filepath.Join(dir, descentFigure)) {
		t.Error("the output does not name the figure it wrote")
	}
}

func TestBadFlags(t *testing.T) {
	golden.CheckBadFlags(t, run, []golden.BadFlag{
		{Args: []string{"-steps", "0"}, Want: "-steps"},
		{Args: []string{"-steps", "many"}, Want: "-steps"},
		{Args: []string{"-lr", "0"}, Want: "-lr"},
		{Args: []string{"-lr", "NaN"}, Want: "-lr"},
		{Args: []string{"-lr", "+Inf"}, Want: "-lr"},
		{Args: []string{"-seed", "-3"}, Want: "-seed"},
		{Args: []string{"-svg", filepath.Join(os.DevNull, "nowhere")}, Want: "-svg"},
		{Args: []string{"extra"}, Want: "unexpected argument"},
		{Args: []string{"-nosuchflag"}, Want: "nosuchflag"},
	}...)
}

func TestHelp(t *testing.T) {
	golden.CheckHelp(t, run, "-seed", "-steps", "-lr", "-svg")
}

// A learning rate far too large must stop the quadrant descent with the
// library's divergence message, not print NaN losses.
func TestDivergenceStops(t *testing.T) {
	var buf bytes.Buffer
	err := run(&buf, []string{"-lr", "1e200", "-steps", "20"})
	if err == nil || !strings.Contains(err.Error(), "-lr") {
		t.Fatalf("run -lr 1e200: error %v, want a divergence message suggesting a smaller -lr", err)
	}
	_, section7, _ := strings.Cut(buf.String(), "== 7.")
	if strings.Contains(section7, "NaN") {
		t.Error("the output shows a NaN loss before stopping")
	}
}

// One numerical step must move the parameters against the gradient that
// backpropagation computes (checked here only as a test; the chapter itself
// never calls Backward).
func TestNumericalStepFollowsBackprop(t *testing.T) {
	net, err := nn.NewMLP([]int{2, 5, 4}, "relu", nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range net.Params() {
		for r, row := range p.Value {
			for j := range row {
				row[j] = math.Sin(float64(7*i+3*r+j)) / 2
			}
		}
	}
	x := quadrantX
	tgt := nn.OneHot(quadrantLabels, 4)
	before := make([]nn.Matrix, 0)
	for _, p := range net.Params() {
		before = append(before, p.Value.Clone())
	}
	net.Loss(x, tgt)
	net.Backward()
	var grads []nn.Matrix
	for _, p := range net.Params() {
		grads = append(grads, p.Grad.Clone())
	}
	const lr = 0.5
	numericalStep(net, func() float64 { return net.Loss(x, tgt) }, lr)
	for i, p := range net.Params() {
		moved := nn.Scale(-1/lr, nn.Sub(p.Value, before[i]))
		if e := nn.RelError(moved, grads[i]); e > 1e-6 {
			t.Errorf("%s: the numerical step disagrees with backprop, relative error %.2g", p.Name, e)
		}
	}
}

// f(x0, x1) = x0² + x1² from (−3, 4): the curriculum's numbers.
func TestDescentNumbers(t *testing.T) {
	x := descend(0.1, 100).final()
	if math.Abs(x[0]+6.11e-10) > 1e-12 || math.Abs(x[1]-8.15e-10) > 1e-12 {
		t.Errorf("lr 0.1: %v, want about (−6.11e-10, 8.15e-10)", x)
	}
	x = descend(1e-10, 100).final()
	if math.Abs(x[0]+3) > 1e-6 || math.Abs(x[1]-4) > 1e-6 {
		t.Errorf("lr 1e-10: %v, want about (−3, 4)", x)
	}
	x = descend(10, 100).final()
	if math.Abs(x[0]) < 1e12 {
		t.Errorf("lr 10: %v, want a huge x", x)
	}
}
