package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"nnfromscratch/internal/exercise"
	"nnfromscratch/nn"
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
	if err := checkNANDWeights(NANDWeights); err != nil {
		t.Error(err)
	}
}

func TestCheckNANDWeightsRejectsWrongAnswer(t *testing.T) {
	and := func() (float64, float64, float64) { return 0.5, 0.5, -0.7 } // AND, not NAND
	if checkNANDWeights(and) == nil {
		t.Error("checkNANDWeights accepted the AND weights")
	}
	noBias := func() (float64, float64, float64) { return -0.5, -0.5, 0 } // forgot the bias: (0,0) gives 0
	if checkNANDWeights(noBias) == nil {
		t.Error("checkNANDWeights accepted weights without a bias")
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
	if err := checkTrainStep(TrainStep); err != nil {
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
}

func checkXOR(xor func(x1, x2 float64) float64) error {
	return checkTruthTable("XOR", xor, []float64{0, 1, 1, 0})
}

func TestExerciseXOR(t *testing.T) {
	exercise.Attempted(t, "XOR", "ch01_perceptron/exercises.go", func() { XOR(0, 1) })
	if err := checkXOR(XOR); err != nil {
		t.Error(err)
	}
}

func TestCheckXORRejectsWrongAnswer(t *testing.T) {
	or := func(x1, x2 float64) float64 { return nn.Step(0.5*x1 + 0.5*x2 - 0.2) } // OR: right on three rows
	if checkXOR(or) == nil {
		t.Error("checkXOR accepted OR")
	}
}
