package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"nnfromscratch/internal/exercise"
	"nnfromscratch/nn"
)

// randomMatrix fills a rows×cols matrix with values from a standard normal.
func randomMatrix(rng *rand.Rand, rows, cols int) nn.Matrix {
	m := nn.New(rows, cols)
	for i := range m {
		for j := range m[i] {
			m[i][j] = rng.NormFloat64()
		}
	}
	return m
}

// sameMatrix explains how got differs from want, or returns nil.
// what names the quantity and rule says how it is computed.
func sameMatrix(what, rule string, got, want nn.Matrix) error {
	if got == nil {
		return fmt.Errorf("%s is nil, want a %s matrix (%s)", what, want.Shape(), rule)
	}
	if got.Rows() != want.Rows() || got.Cols() != want.Cols() {
		return fmt.Errorf("%s has shape %s, want %s (%s)", what, got.Shape(), want.Shape(), rule)
	}
	for i := range want {
		for j := range want[i] {
			if math.Abs(got[i][j]-want[i][j]) > 1e-9*(1+math.Abs(want[i][j])) {
				return fmt.Errorf("%s[%d][%d] = %.6g, want %.6g (%s)", what, i, j, got[i][j], want[i][j], rule)
			}
		}
	}
	return nil
}

// unchanged reports an input the learner's function modified.
func unchanged(fn, name string, before, after nn.Matrix) error {
	if !nn.Equal(before, after) {
		return fmt.Errorf("%s changed its input %s: a backward pass must only read it", fn, name)
	}
	return nil
}

// checkDenseBackward compares f with nn.Dense on random shapes.
func checkDenseBackward(f func(x, w, dout nn.Matrix) (dx, dw, db nn.Matrix)) error {
	rng := rand.New(rand.NewPCG(5, 1))
	for trial := range 30 {
		batch, in, out := 2+rng.IntN(4), 1+rng.IntN(6), 1+rng.IntN(5)
		if trial == 0 {
			batch, in, out = 1, 3, 2
		}
		d := nn.NewDense(in, out)
		d.W = randomMatrix(rng, in, out)
		d.B = randomMatrix(rng, 1, out)
		x := randomMatrix(rng, batch, in)
		dout := randomMatrix(rng, batch, out)
		d.Forward(x)
		wantDx := d.Backward(dout)

		xc, wc, doutc := x.Clone(), d.W.Clone(), dout.Clone()
		dx, dw, db := f(xc, wc, doutc)
		where := fmt.Sprintf("DenseBackward with x %s, W %s, dout %s: ", x.Shape(), d.W.Shape(), dout.Shape())
		for _, err := range []error{
			sameMatrix(where+"dw", "dW = xᵀ·dout, the shape of W", dw, d.DW),
			sameMatrix(where+"db", "db = the sum of the rows of dout, one row", db, d.DB),
			sameMatrix(where+"dx", "dx = dout·Wᵀ, the shape of x", dx, wantDx),
			unchanged("DenseBackward", "x", x, xc),
			unchanged("DenseBackward", "w", d.W, wc),
			unchanged("DenseBackward", "dout", dout, doutc),
		} {
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// checkSigmoidBackward compares f with nn.SigmoidLayer on random batches.
func checkSigmoidBackward(f func(out, dout nn.Matrix) nn.Matrix) error {
	rng := rand.New(rand.NewPCG(5, 2))
	for range 20 {
		rows, cols := 1+rng.IntN(4), 1+rng.IntN(6)
		x := nn.Scale(2, randomMatrix(rng, rows, cols))
		dout := randomMatrix(rng, rows, cols)
		var l nn.SigmoidLayer
		out := l.Forward(x).Clone()
		want := l.Backward(dout)
		outc, doutc := out.Clone(), dout.Clone()
		got := f(outc, doutc)
		rule := "dx = dout ⊙ out ⊙ (1 − out), from the output; σ is not applied again"
		if err := sameMatrix(fmt.Sprintf("SigmoidBackward on a %s batch: dx", x.Shape()), rule, got, want); err != nil {
			return err
		}
		if err := unchanged("SigmoidBackward", "out", out, outc); err != nil {
			return err
		}
		if err := unchanged("SigmoidBackward", "dout", dout, doutc); err != nil {
			return err
		}
	}
	return nil
}

// checkSoftmaxCEBackward compares f with nn.SoftmaxCrossEntropy.
func checkSoftmaxCEBackward(f func(p, t nn.Matrix) nn.Matrix) error {
	rng := rand.New(rand.NewPCG(5, 3))
	for range 20 {
		batch, classes := 2+rng.IntN(5), 2+rng.IntN(8)
		logits := nn.Scale(3, randomMatrix(rng, batch, classes))
		labels := make([]int, batch)
		for i := range labels {
			labels[i] = rng.IntN(classes)
		}
		t := nn.OneHot(labels, classes)
		var head nn.SoftmaxCrossEntropy
		head.Forward(logits, t)
		p := head.P.Clone()
		want := head.Backward()
		pc, tc := p.Clone(), t.Clone()
		got := f(pc, tc)
		rule := fmt.Sprintf("(p − t) / batch, here ÷ %d", batch)
		if err := sameMatrix(fmt.Sprintf("SoftmaxCEBackward on a batch of %d: dlogits", batch), rule, got, want); err != nil {
			return err
		}
		if err := unchanged("SoftmaxCEBackward", "p", p, pc); err != nil {
			return err
		}
		if err := unchanged("SoftmaxCEBackward", "t", t, tc); err != nil {
			return err
		}
	}
	return nil
}

func TestExerciseDenseBackward(t *testing.T) {
	exercise.Attempted(t, "DenseBackward", "ch05_backprop/exercises.go", func() {
		DenseBackward(nn.New(1, 1), nn.New(1, 1), nn.New(1, 1))
	})
	if err := exercise.Safely(func() error { return checkDenseBackward(DenseBackward) }); err != nil {
		t.Error(err)
	}
}

func TestExerciseSigmoidBackward(t *testing.T) {
	exercise.Attempted(t, "SigmoidBackward", "ch05_backprop/exercises.go", func() {
		SigmoidBackward(nn.New(1, 1), nn.New(1, 1))
	})
	if err := exercise.Safely(func() error { return checkSigmoidBackward(SigmoidBackward) }); err != nil {
		t.Error(err)
	}
}

func TestExerciseSoftmaxCEBackward(t *testing.T) {
	exercise.Attempted(t, "SoftmaxCEBackward", "ch05_backprop/exercises.go", func() {
		SoftmaxCEBackward(nn.New(1, 1), nn.New(1, 1))
	})
	if err := exercise.Safely(func() error { return checkSoftmaxCEBackward(SoftmaxCEBackward) }); err != nil {
		t.Error(err)
	}
}

// The checks must be able to fail: each is fed plausible wrong answers.

func TestCheckDenseBackwardRejectsWrongAnswers(t *testing.T) {
	right := func(x, w, dout nn.Matrix) (dx, dw, db nn.Matrix) {
		return nn.Dot(dout, w.T()), nn.Dot(x.T(), dout), dout.SumRows()
	}
	if err := checkDenseBackward(right); err != nil {
		t.Fatalf("the check rejects a right answer: %v", err)
	}
	wrong := map[string]func(x, w, dout nn.Matrix) (dx, dw, db nn.Matrix){
		"dW = doutᵀ·x (the article's column layout)": func(x, w, dout nn.Matrix) (dx, dw, db nn.Matrix) {
			return nn.Dot(dout, w.T()), nn.Dot(dout.T(), x), dout.SumRows()
		},
		"db = the first row of dout (no sum over the batch)": func(x, w, dout nn.Matrix) (dx, dw, db nn.Matrix) {
			return nn.Dot(dout, w.T()), nn.Dot(x.T(), dout), nn.FromRows(dout[:1])
		},
		"db = the mean of the rows": func(x, w, dout nn.Matrix) (dx, dw, db nn.Matrix) {
			return nn.Dot(dout, w.T()), nn.Dot(x.T(), dout), nn.Scale(1/float64(dout.Rows()), dout.SumRows())
		},
		"dW = xᵀ·dout ÷ batch (the mean is already in dout)": func(x, w, dout nn.Matrix) (dx, dw, db nn.Matrix) {
			return nn.Dot(dout, w.T()), nn.Scale(1/float64(x.Rows()), nn.Dot(x.T(), dout)), dout.SumRows()
		},
		"dx = dout·W, without the transpose": func(x, w, dout nn.Matrix) (dx, dw, db nn.Matrix) {
			return nn.Dot(dout, w), nn.Dot(x.T(), dout), dout.SumRows() // panics unless W is square
		},
	}
	for name, f := range wrong {
		if exercise.Safely(func() error { return checkDenseBackward(f) }) == nil {
			t.Errorf("checkDenseBackward accepted %s", name)
		}
	}
}

func TestCheckSigmoidBackwardRejectsWrongAnswer(t *testing.T) {
	// Treats out as the input and applies σ' to it: σ(σ(x)) territory.
	wrong := func(out, dout nn.Matrix) nn.Matrix {
		return nn.Hadamard(dout, out.Apply(nn.SigmoidGrad))
	}
	if checkSigmoidBackward(wrong) == nil {
		t.Error("checkSigmoidBackward accepted dout ⊙ σ'(out)")
	}
	noDout := func(out, dout nn.Matrix) nn.Matrix { // the local derivative alone
		return out.Apply(func(o float64) float64 { return o * (1 - o) })
	}
	if checkSigmoidBackward(noDout) == nil {
		t.Error("checkSigmoidBackward accepted out ⊙ (1 − out) without dout")
	}
	inPlace := func(out, dout nn.Matrix) nn.Matrix { // writes the answer into dout
		for i := range dout {
			for j, o := range out[i] {
				dout[i][j] *= o * (1 - o)
			}
		}
		return dout
	}
	if checkSigmoidBackward(inPlace) == nil {
		t.Error("checkSigmoidBackward accepted a version that overwrites dout")
	}
}

func TestCheckSoftmaxCEBackwardRejectsWrongAnswer(t *testing.T) {
	wrong := func(p, t nn.Matrix) nn.Matrix { return nn.Sub(p, t) } // forgot ÷ batch
	if checkSoftmaxCEBackward(wrong) == nil {
		t.Error("checkSoftmaxCEBackward accepted p − t without ÷ batch")
	}
	flipped := func(p, t nn.Matrix) nn.Matrix { return nn.Scale(1/float64(p.Rows()), nn.Sub(t, p)) }
	if checkSoftmaxCEBackward(flipped) == nil {
		t.Error("checkSoftmaxCEBackward accepted (t − p) / batch, which points uphill")
	}
	perClass := func(p, t nn.Matrix) nn.Matrix { return nn.Scale(1/float64(p.Cols()), nn.Sub(p, t)) }
	if checkSoftmaxCEBackward(perClass) == nil {
		t.Error("checkSoftmaxCEBackward accepted (p − t) / classes")
	}
}
