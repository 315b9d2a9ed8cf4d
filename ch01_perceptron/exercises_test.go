package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"nnfromscratch/internal/exercise"
)

// checkTruthTable compares gate(x1, x2) with want on the four inputs.
func checkTruthTable(name string, gate func(x1, x2 float64) float64, want []float64) error {
	for i, x := range inputs {
		if got := gate(x[0], x[1]); got != want[i] {
			return fmt.Errorf("%s(%g, %g) = %g, want %g (truth table: 00→%g 10→%g 01→%g 11→%g)",
				name, x[0], x[1], got, want[i], want[0], want[1], want[2], want[3])
		}
	}
	return nil
}

func checkNANDWeights(weights func() (w1, w2, b float64)) error {
	w1, w2, b := weights()
	p := Perceptron{W: []float64{w1, w2}, B: b}
	nand := []float64{1, 1, 1, 0}
	for i, x := range inputs {
		if got := p.Output(x); got != nand[i] {
			return fmt.Errorf("with w1 = %g, w2 = %g, b = %g the perceptron gives %g at (%g, %g), want %g (w·x + b = %.4g; NAND is 0 only at (1, 1))",
				w1, w2, b, got, x[0], x[1], nand[i], p.Sum(x))
		}
	}
	return nil
}

func TestExerciseNANDWeights(t *testing.T) {
	exercise.Attempted(t, "NANDWeights", "ch01_perceptron/exercises.go", func() { NANDWeights() })
	if err := exercise.Safely(func() error { return checkNANDWeights(NANDWeights) }); err != nil {
		t.Error(err)
	}
}

func TestCheckNANDWeightsRejectsWrongAnswers(t *testing.T) {
	wrong := map[string]func() (float64, float64, float64){
		"the AND weights":                 func() (float64, float64, float64) { return 0.5, 0.5, -0.7 },
		"weights without a bias":          func() (float64, float64, float64) { return -0.5, -0.5, 0 },
		"NOR (the negated OR weights)":    func() (float64, float64, float64) { return -0.5, -0.5, 0.2 },
		"a bias so large it always fires": func() (float64, float64, float64) { return -0.5, -0.5, 1.2 },
		"a line through (1,0) and (0,1)":  func() (float64, float64, float64) { return -1, -1, 1 }, // step(0) = 0 there
	}
	for name, f := range wrong {
		if checkNANDWeights(f) == nil {
			t.Errorf("checkNANDWeights accepted %s", name)
		}
	}
	if err := checkNANDWeights(func() (float64, float64, float64) { return -1, -1, 2 }); err != nil {
		t.Errorf("checkNANDWeights rejected w = (−1, −1), b = 2, a NAND (the sum is exactly 0 at (1,1), and step(0) = 0): %v", err)
	}
}

// referenceTrainStep is the rule written out once more, for the check.
func referenceTrainStep(w []float64, b float64, x []float64, t, lr float64) ([]float64, float64) {
	p := Perceptron{W: append([]float64(nil), w...), B: b}
	learn(&p, x, t, lr)
	return p.W, p.B
}

func checkTrainStep(step func(w []float64, b float64, x []float64, t, lr float64) ([]float64, float64)) error {
	rng := rand.New(rand.NewPCG(1, 2))
	type trainCase struct {
		w    []float64
		b    float64
		x    []float64
		t    float64
		lr   float64
		what string
	}
	cases := []trainCase{
		{[]float64{0.5, 0.5}, -0.7, []float64{1, 1}, 1, 0.1, "a right answer (nothing should change)"},
		{[]float64{0.5, 0.5}, -0.7, []float64{1, 0}, 0, 0.1, "a right answer (nothing should change)"},
		{[]float64{0.5, 0.5}, -0.7, []float64{1, 1}, 0, 0.1, "output 1, target 0"},
		{[]float64{0.2, -0.3}, -0.1, []float64{1, 0}, 1, 0.1, "output 0, target 1"},
		{[]float64{0.2, -0.3}, -0.1, []float64{0, 0}, 1, 0.5, "output 0, target 1, input (0, 0): only b moves"},
		{[]float64{0.5, -0.5}, 0, []float64{1, 1}, 0, 0.1, "w·x + b is exactly 0, and step(0) = 0: a right answer"},
		{[]float64{0.5, -0.5}, 0, []float64{1, 1}, 1, 0.1, "w·x + b is exactly 0, and step(0) = 0: output 0, target 1"},
	}
	for range 200 { // random cases, also with three inputs
		n := 2 + rng.IntN(2)
		c := trainCase{w: make([]float64, n), x: make([]float64, n), b: 2*rng.Float64() - 1,
			t: float64(rng.IntN(2)), lr: []float64{0.01, 0.1, 1}[rng.IntN(3)], what: "a random case"}
		for i := range c.w {
			c.w[i] = 2*rng.Float64() - 1
			c.x[i] = float64(rng.IntN(2))
		}
		cases = append(cases, c)
	}
	for _, c := range cases {
		wantW, wantB := referenceTrainStep(c.w, c.b, c.x, c.t, c.lr)
		w := append([]float64(nil), c.w...)
		gotW, gotB := step(w, c.b, c.x, c.t, c.lr)
		call := fmt.Sprintf("TrainStep(w=%.4f, b=%.4f, x=%v, t=%g, lr=%g) [%s]", c.w, c.b, c.x, c.t, c.lr, c.what)
		if len(gotW) != len(wantW) {
			return fmt.Errorf("%s returned %d weights, want %d", call, len(gotW), len(wantW))
		}
		for i := range wantW {
			if math.Abs(gotW[i]-wantW[i]) > 1e-12 {
				return fmt.Errorf("%s: new w = %.4f, want %.4f", call, gotW, wantW)
			}
		}
		if math.Abs(gotB-wantB) > 1e-12 {
			return fmt.Errorf("%s: new b = %.4f, want %.4f", call, gotB, wantB)
		}
		for i := range w {
			if w[i] != c.w[i] {
				return fmt.Errorf("%s changed the caller's w to %.4f: return a new slice instead", call, w)
			}
		}
	}
	return nil
}

func TestExerciseTrainStep(t *testing.T) {
	exercise.Attempted(t, "TrainStep", "ch01_perceptron/exercises.go", func() {
		TrainStep([]float64{0, 0}, 0, []float64{1, 1}, 1, 0.1)
	})
	if err := exercise.Safely(func() error { return checkTrainStep(TrainStep) }); err != nil {
		t.Error(err)
	}
}

func TestCheckTrainStepRejectsWrongAnswers(t *testing.T) {
	forgotBias := func(w []float64, b float64, x []float64, t, lr float64) ([]float64, float64) {
		nw, _ := referenceTrainStep(w, b, x, t, lr)
		return nw, b // the bias never learns
	}
	if checkTrainStep(forgotBias) == nil {
		t.Error("checkTrainStep accepted a rule that never updates the bias")
	}
	wrongSign := func(w []float64, b float64, x []float64, t, lr float64) ([]float64, float64) {
		p := Perceptron{W: append([]float64(nil), w...), B: b}
		d := p.Output(x) - t // (y − t) instead of (t − y)
		for i := range p.W {
			p.W[i] += lr * d * x[i]
		}
		return p.W, b + lr*d
	}
	if checkTrainStep(wrongSign) == nil {
		t.Error("checkTrainStep accepted the rule with (y − t)")
	}
	inPlace := func(w []float64, b float64, x []float64, t, lr float64) ([]float64, float64) {
		nw, nb := referenceTrainStep(w, b, x, t, lr)
		copy(w, nw)
		return w, nb
	}
	if checkTrainStep(inPlace) == nil {
		t.Error("checkTrainStep accepted a TrainStep that changes the caller's w")
	}
	noStep := func(w []float64, b float64, x []float64, t, lr float64) ([]float64, float64) {
		p := Perceptron{W: append([]float64(nil), w...), B: b}
		d := t - p.Sum(x) // the sum itself instead of step(sum): the delta rule
		for i := range p.W {
			p.W[i] += lr * d * x[i]
		}
		return p.W, b + lr*d
	}
	if checkTrainStep(noStep) == nil {
		t.Error("checkTrainStep accepted a rule that uses w·x + b instead of step(w·x + b)")
	}
	noRate := func(w []float64, b float64, x []float64, t, _ float64) ([]float64, float64) {
		return referenceTrainStep(w, b, x, t, 1) // forgot lr
	}
	if checkTrainStep(noRate) == nil {
		t.Error("checkTrainStep accepted a rule without the learning rate")
	}
	firesAtZero := func(w []float64, b float64, x []float64, t, lr float64) ([]float64, float64) {
		p := Perceptron{W: append([]float64(nil), w...), B: b}
		y := 0.0
		if p.Sum(x) >= 0 { // step(0) taken as 1
			y = 1
		}
		for i := range p.W {
			p.W[i] += lr * (t - y) * x[i]
		}
		return p.W, b + lr*(t-y)
	}
	if checkTrainStep(firesAtZero) == nil {
		t.Error("checkTrainStep accepted a step that fires at exactly 0")
	}
}

// runNet evaluates the two-layer network hidden → output on x.
func runNet(hidden []Perceptron, output Perceptron, x []float64) float64 {
	s := make([]float64, len(hidden))
	for i, h := range hidden {
		s[i] = h.Output(x)
	}
	return output.Output(s)
}

func checkXORNet(net func() (hidden []Perceptron, output Perceptron)) error {
	hidden, output := net()
	if len(hidden) == 0 {
		return fmt.Errorf("XORNet returned no hidden perceptrons: one perceptron alone cannot compute XOR (section 2), so the output needs a hidden layer to read")
	}
	for i, h := range hidden {
		if len(h.W) != 2 {
			return fmt.Errorf("hidden perceptron %d has %d weights, want 2: each reads the two inputs (x1, x2)", i+1, len(h.W))
		}
	}
	if len(output.W) != len(hidden) {
		return fmt.Errorf("the output perceptron has %d weights for %d hidden perceptrons: it needs one weight per hidden output", len(output.W), len(hidden))
	}
	xor := []float64{0, 1, 1, 0}
	for i, x := range inputs {
		if got := runNet(hidden, output, x); got != xor[i] {
			s := make([]float64, len(hidden))
			for k, h := range hidden {
				s[k] = h.Output(x)
			}
			return fmt.Errorf("your network gives %g at (%g, %g), want %g: the hidden layer outputs %v there, and the output perceptron's sum is %.4g (XOR is 1 exactly at (1,0) and (0,1))",
				got, x[0], x[1], xor[i], s, output.Sum(s))
		}
	}
	return nil
}

func TestExerciseXORNet(t *testing.T) {
	exercise.Attempted(t, "XORNet", "ch01_perceptron/exercises.go", func() { XORNet() })
	if err := exercise.Safely(func() error { return checkXORNet(XORNet) }); err != nil {
		t.Error(err)
	}
}

func TestCheckXORNetRejectsWrongAnswers(t *testing.T) {
	nand, or, and := nandGate, orGate, andGate
	wrong := map[string]func() ([]Perceptron, Perceptron){
		"an OR at the output (NAND or OR is always 1)": func() ([]Perceptron, Perceptron) {
			return []Perceptron{nand, or}, or
		},
		"the output's bias left at 0 (that makes it an OR)": func() ([]Perceptron, Perceptron) {
			return []Perceptron{nand, or}, Perceptron{W: []float64{0.5, 0.5}}
		},
		"AND and OR in the hidden layer, AND on top (that is AND)": func() ([]Perceptron, Perceptron) {
			return []Perceptron{and, or}, and
		},
		"hidden units that copy the inputs (still one line)": func() ([]Perceptron, Perceptron) {
			copyX1 := Perceptron{W: []float64{1, 0}, B: -0.5}
			copyX2 := Perceptron{W: []float64{0, 1}, B: -0.5}
			return []Perceptron{copyX1, copyX2}, or
		},
		"no hidden layer": func() ([]Perceptron, Perceptron) { return nil, or },
		"an output with one weight for two hidden units": func() ([]Perceptron, Perceptron) {
			return []Perceptron{nand, or}, Perceptron{W: []float64{1}, B: -0.5}
		},
	}
	for name, f := range wrong {
		if exercise.Safely(func() error { return checkXORNet(f) }) == nil {
			t.Errorf("checkXORNet accepted %s", name)
		}
	}
	right := map[string]func() ([]Perceptron, Perceptron){
		"AND(NAND, OR)": func() ([]Perceptron, Perceptron) { return []Perceptron{nand, or}, and },
		"OR and not AND: OR − AND > 0": func() ([]Perceptron, Perceptron) {
			return []Perceptron{or, and}, Perceptron{W: []float64{1, -1}, B: -0.5}
		},
		"three hidden units, one unused": func() ([]Perceptron, Perceptron) {
			return []Perceptron{nand, or, and}, Perceptron{W: []float64{0.5, 0.5, 0}, B: -0.7}
		},
	}
	for name, f := range right {
		if err := checkXORNet(f); err != nil {
			t.Errorf("checkXORNet rejected a right answer, %s: %v", name, err)
		}
	}
}
