package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"nnfromscratch/internal/exercise"
	"nnfromscratch/nn"
)

// gridPoints are x values from −10 to 10 in steps of 0.25, plus a few large ones.
func gridPoints() []float64 {
	var xs []float64
	for i := -40; i <= 40; i++ {
		xs = append(xs, float64(i)/4)
	}
	return append(xs, -1000, -37.5, 37.5, 1000)
}

var alphas = []float64{0.01, 0.1, 0.2, 0.3}

func checkLeakyReLU(f func(x, alpha float64) float64) error {
	for _, alpha := range alphas {
		for _, x := range gridPoints() {
			want := x
			if x <= 0 {
				want = alpha * x
			}
			if got := f(x, alpha); math.Abs(got-want) > 1e-12*max(1, math.Abs(want)) {
				return fmt.Errorf("LeakyReLU(%g, %g) = %g, want %g", x, alpha, got, want)
			}
		}
	}
	return nil
}

func TestExerciseLeakyReLU(t *testing.T) {
	exercise.Attempted(t, "LeakyReLU", "ch02_activations/exercises.go", func() { LeakyReLU(1, 0.1) })
	if err := exercise.Safely(func() error { return checkLeakyReLU(LeakyReLU) }); err != nil {
		t.Error(err)
	}
}

func TestCheckLeakyReLURejectsWrongAnswers(t *testing.T) {
	relu := func(x, a float64) float64 { return max(x, 0) } // forgot the leak
	if checkLeakyReLU(relu) == nil {
		t.Error("checkLeakyReLU accepted ReLU")
	}
	fixed := func(x, a float64) float64 { return max(x, 0.01*x) } // ignores alpha
	if checkLeakyReLU(fixed) == nil {
		t.Error("checkLeakyReLU accepted a leak that ignores alpha")
	}
	swapped := func(x, a float64) float64 { // the slope on the wrong side
		if x > 0 {
			return a * x
		}
		return x
	}
	if checkLeakyReLU(swapped) == nil {
		t.Error("checkLeakyReLU accepted alpha on the positive side")
	}
	slopeOnly := func(x, a float64) float64 { // alpha instead of alpha·x
		if x > 0 {
			return x
		}
		return a
	}
	if checkLeakyReLU(slopeOnly) == nil {
		t.Error("checkLeakyReLU accepted alpha (the slope) in place of alpha·x below 0")
	}
	if err := checkLeakyReLU(func(x, a float64) float64 { return max(x, a*x) }); err != nil {
		t.Errorf("checkLeakyReLU rejected max(x, alpha·x), which is right for alpha < 1: %v", err)
	}
}

func checkLeakyReLUGrad(f func(x, alpha float64) float64) error {
	for _, alpha := range alphas {
		for _, x := range gridPoints() {
			if x == 0 {
				if got := f(0, alpha); got != 1 && got != alpha {
					return fmt.Errorf("LeakyReLUGrad(0, %g) = %g, want 1 or %g", alpha, got, alpha)
				}
				continue
			}
			want := 1.0
			if x < 0 {
				want = alpha
			}
			if got := f(x, alpha); math.Abs(got-want) > 1e-12 {
				return fmt.Errorf("LeakyReLUGrad(%g, %g) = %g, want %g", x, alpha, got, want)
			}
		}
	}
	return nil
}

func TestExerciseLeakyReLUGrad(t *testing.T) {
	exercise.Attempted(t, "LeakyReLUGrad", "ch02_activations/exercises.go", func() { LeakyReLUGrad(1, 0.1) })
	if err := exercise.Safely(func() error { return checkLeakyReLUGrad(LeakyReLUGrad) }); err != nil {
		t.Error(err)
	}
}

func TestCheckLeakyReLUGradRejectsWrongAnswers(t *testing.T) {
	if checkLeakyReLUGrad(func(x, a float64) float64 { return nn.ReLUGrad(x) }) == nil {
		t.Error("checkLeakyReLUGrad accepted ReLU's derivative (0 for x < 0)")
	}
	if checkLeakyReLUGrad(func(x, a float64) float64 { return max(x, a*x) }) == nil {
		t.Error("checkLeakyReLUGrad accepted LeakyReLU itself")
	}
	valueBelow := func(x, a float64) float64 { // alpha·x, the value, below 0
		if x > 0 {
			return 1
		}
		return a * x
	}
	if checkLeakyReLUGrad(valueBelow) == nil {
		t.Error("checkLeakyReLUGrad accepted alpha·x instead of alpha below 0")
	}
	swapped := func(x, a float64) float64 {
		if x > 0 {
			return a
		}
		return 1
	}
	if checkLeakyReLUGrad(swapped) == nil {
		t.Error("checkLeakyReLUGrad accepted the two slopes swapped")
	}
}

func checkSigmoidGrad(f func(float64) float64) error {
	for _, x := range gridPoints() {
		want := nn.SigmoidGrad(x)
		got := f(x)
		if math.IsNaN(got) || math.Abs(got-want) > 1e-9*want+1e-12 {
			hint := ""
			switch {
			case math.Abs(got-x*(1-x)) < 1e-12:
				hint = " (that is x·(1 − x): apply σ to x first, σ'(x) = σ(x)·(1 − σ(x)))"
			case math.IsNaN(got) || math.IsInf(got, 0):
				hint = " (an e^x overflowed: compute s = σ(x) first, then s·(1 − s))"
			}
			return fmt.Errorf("SigmoidGrad(%g) = %.8g, want %.8g%s", x, got, want, hint)
		}
	}
	return nil
}

func TestExerciseSigmoidGrad(t *testing.T) {
	exercise.Attempted(t, "SigmoidGrad", "ch02_activations/exercises.go", func() { SigmoidGrad(0) })
	if err := exercise.Safely(func() error { return checkSigmoidGrad(SigmoidGrad) }); err != nil {
		t.Error(err)
	}
}

func TestCheckSigmoidGradRejectsWrongAnswers(t *testing.T) {
	if checkSigmoidGrad(func(x float64) float64 { return x * (1 - x) }) == nil {
		t.Error("checkSigmoidGrad accepted x·(1 − x), which forgets to apply σ first")
	}
	if checkSigmoidGrad(nn.Sigmoid) == nil {
		t.Error("checkSigmoidGrad accepted σ itself")
	}
	naive := func(x float64) float64 { // e^−x/(1 + e^−x)²: right on paper, NaN at x = −1000
		e := math.Exp(-x)
		return e / ((1 + e) * (1 + e))
	}
	err := checkSigmoidGrad(naive)
	if err == nil {
		t.Error("checkSigmoidGrad accepted e^−x/(1 + e^−x)², which overflows to NaN for large negative x")
	} else if !strings.Contains(err.Error(), "overflowed") {
		t.Errorf("checkSigmoidGrad's message for the overflowing formula does not say why: %v", err)
	}
	tanhLike := func(x float64) float64 { s := nn.Sigmoid(x); return 1 - s*s } // tanh's rule applied to σ
	if checkSigmoidGrad(tanhLike) == nil {
		t.Error("checkSigmoidGrad accepted 1 − σ(x)², tanh's rule")
	}
}

// softmaxCases are the inputs Softmax is checked on: the chapter's examples,
// overflow and underflow cases, ties, a single score, and random vectors at
// several scales.
func softmaxCases() [][]float64 {
	cases := [][]float64{
		{0.3, 2.9, 4.0},
		{1010, 1000, 990},
		{-1010, -1000, -990},
		{800, 800},
		{0, 0, 0, 0},
		{42},
		{-745, 0, 745},
		{1e6, 0},
	}
	rng := rand.New(rand.NewPCG(2, 2))
	for _, scale := range []float64{1, 10, 100, 1000} {
		for range 25 {
			v := make([]float64, 1+rng.IntN(12))
			for i := range v {
				v[i] = scale * rng.NormFloat64()
			}
			cases = append(cases, v)
		}
	}
	return cases
}

func checkSoftmax(f func([]float64) []float64) error {
	for _, v := range softmaxCases() {
		in := slices.Clone(v)
		got := f(in)
		want := nn.Softmax(v)
		if !slices.Equal(in, v) {
			return fmt.Errorf("Softmax(%.4g) changed its input to %.4g: return a new slice", v, in)
		}
		if len(got) != len(want) {
			return fmt.Errorf("Softmax(%.4g) returned %d values, want %d", v, len(got), len(want))
		}
		for i := range want {
			if math.IsNaN(got[i]) || math.Abs(got[i]-want[i]) > 1e-12 {
				hint := ""
				if slices.ContainsFunc(got, math.IsNaN) {
					hint = " (NaN: e^x overflowed or underflowed; subtract the largest score first)"
				}
				return fmt.Errorf("Softmax(%.4g) = %.8f, want %.8f%s", v, got, want, hint)
			}
		}
	}
	return nil
}

func TestExerciseSoftmax(t *testing.T) {
	exercise.Attempted(t, "Softmax", "ch02_activations/exercises.go", func() { Softmax([]float64{1, 2}) })
	if err := exercise.Safely(func() error { return checkSoftmax(Softmax) }); err != nil {
		t.Error(err)
	}
}

func TestCheckSoftmaxRejectsWrongAnswers(t *testing.T) {
	err := checkSoftmax(naiveSoftmax)
	if err == nil {
		t.Fatal("checkSoftmax accepted the naive formula, which gives NaN on [1010 1000 990]")
	}
	t.Logf("the naive formula is rejected with: %v", err)
	unnormalised := func(v []float64) []float64 {
		m := slices.Max(v)
		out := make([]float64, len(v))
		for i, x := range v {
			out[i] = math.Exp(x - m)
		}
		return out // forgot to divide by the sum
	}
	if checkSoftmax(unnormalised) == nil {
		t.Error("checkSoftmax accepted exponentials that are not divided by their sum")
	}
	inPlace := func(v []float64) []float64 { // subtracts the max from v itself
		m := slices.Max(v)
		for i := range v {
			v[i] -= m
		}
		return naiveSoftmax(v)
	}
	if checkSoftmax(inPlace) == nil {
		t.Error("checkSoftmax accepted a Softmax that changes its input")
	}
	minShift := func(v []float64) []float64 { // subtracts the smallest score: e^x still overflows
		m := slices.Min(v)
		shifted := make([]float64, len(v))
		for i, x := range v {
			shifted[i] = x - m
		}
		return naiveSoftmax(shifted)
	}
	if checkSoftmax(minShift) == nil {
		t.Error("checkSoftmax accepted a shift by the smallest score, which overflows on [-745 0 745]")
	}
}
