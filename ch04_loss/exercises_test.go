package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"nnfromscratch/internal/exercise"
	"nnfromscratch/nn"
)

const exercisesFile = "ch04_loss/exercises.go"

// randomProbabilities returns n positive numbers (each at least 0.01/n)
// that sum to 1, like a softmax output.
func randomProbabilities(rng *rand.Rand, n int) []float64 {
	z := make([]float64, n)
	for i := range z {
		z[i] = 3 * rng.NormFloat64()
	}
	p := nn.Softmax(z)
	for i := range p {
		p[i] = 0.99*p[i] + 0.01/float64(n)
	}
	return p
}

// ---------------------------------------------------------------------------

func checkMSE(mse func(y, t []float64) float64) error {
	for _, c := range []struct{ y, t []float64 }{{yRight, tTwo}, {yWrong, tTwo}} {
		if got, want := mse(c.y, c.t), nn.MSE(c.y, c.t); math.Abs(got-want) > 1e-12 {
			return fmt.Errorf("MSE(%s, one-hot 2) = %.6g, want %.6g = ½ Σ (y_k − t_k)²", vec(c.y), got, want)
		}
	}
	rng := rand.New(rand.NewPCG(4, 1))
	for range 50 {
		n := 1 + rng.IntN(10)
		y, t := make([]float64, n), make([]float64, n)
		for i := range y {
			y[i], t[i] = 4*rng.Float64()-2, 4*rng.Float64()-2
		}
		if got, want := mse(y, t), nn.MSE(y, t); math.Abs(got-want) > 1e-12*max(1, want) {
			return fmt.Errorf("MSE(%s, %s) = %.6g, want %.6g", vecf("%.3f", y), vecf("%.3f", t), got, want)
		}
	}
	return nil
}

func TestExerciseMSE(t *testing.T) {
	exercise.Attempted(t, "MSE", exercisesFile, func() { MSE([]float64{0}, []float64{0}) })
	if err := exercise.Safely(func() error { return checkMSE(MSE) }); err != nil {
		t.Error(err)
	}
}

func TestCheckMSERejectsWrongAnswer(t *testing.T) {
	noHalf := func(y, t []float64) float64 { return 2 * nn.MSE(y, t) } // forgot the ½
	if checkMSE(noHalf) == nil {
		t.Error("checkMSE accepted a version without the ½")
	}
	mean := func(y, t []float64) float64 { return 2 * nn.MSE(y, t) / float64(len(y)) } // PyTorch's MSELoss: the mean
	if checkMSE(mean) == nil {
		t.Error("checkMSE accepted the mean over the elements instead of ½ Σ")
	}
	noSquare := func(y, t []float64) float64 { // forgot to square
		s := 0.0
		for k := range y {
			s += y[k] - t[k]
		}
		return s / 2
	}
	if checkMSE(noSquare) == nil {
		t.Error("checkMSE accepted ½ Σ (y − t), without the square")
	}
	if err := checkMSE(nn.MSE); err != nil {
		t.Errorf("checkMSE rejected nn.MSE: %v", err)
	}
}

// ---------------------------------------------------------------------------

// ceTolerance allows a guard such as ln(y + 1e-7) on probabilities ≥ 0.001.
const ceTolerance = 1e-3

func checkCrossEntropy(crossEntropy func(y, t []float64) float64) error {
	for _, c := range []struct{ y, t []float64 }{{yRight, tTwo}, {yWrong, tTwo}} {
		got, want := crossEntropy(c.y, c.t), nn.CrossEntropy(c.y, c.t)
		if math.IsNaN(got) {
			return fmt.Errorf("CrossEntropy(%s, one-hot 2) = NaN, want %.4f: this y has zeros where t is 0, and 0·ln 0 is NaN; skip the classes whose target is 0, or add a tiny constant inside the log",
				vec(c.y), want)
		}
		if math.Abs(got-want) > ceTolerance {
			hint := ""
			if math.Abs(got-want/math.Ln10) < ceTolerance {
				hint = " (that is log10; cross-entropy uses the natural log, math.Log)"
			}
			return fmt.Errorf("CrossEntropy(%s, one-hot 2) = %.4f, want −ln %g = %.4f%s", vec(c.y), got, c.y[2], want, hint)
		}
	}
	zeroRight := []float64{0, 1}
	if got := crossEntropy(zeroRight, []float64{1, 0}); math.IsInf(got, 0) || math.IsNaN(got) || got < 10 {
		return fmt.Errorf("CrossEntropy([0, 1], [1, 0]) = %v, want a large finite loss (nn.CrossEntropy gives %.4f): guard the logarithm against y = 0",
			got, nn.CrossEntropy(zeroRight, []float64{1, 0}))
	}
	rng := rand.New(rand.NewPCG(4, 2))
	for trial := range 50 {
		n := 2 + rng.IntN(9)
		y := randomProbabilities(rng, n)
		t := oneHot(rng.IntN(n), n)
		if trial%2 == 1 { // a soft target: any probabilities
			t = randomProbabilities(rng, n)
		}
		if got, want := crossEntropy(y, t), nn.CrossEntropy(y, t); !(math.Abs(got-want) <= ceTolerance) {
			return fmt.Errorf("CrossEntropy(%s, %s) = %.6g, want −Σ t_k ln y_k = %.6g", vecf("%.3f", y), vecf("%.3f", t), got, want)
		}
	}
	return nil
}

func TestExerciseCrossEntropy(t *testing.T) {
	exercise.Attempted(t, "CrossEntropy", exercisesFile, func() { CrossEntropy([]float64{1}, []float64{1}) })
	if err := exercise.Safely(func() error { return checkCrossEntropy(CrossEntropy) }); err != nil {
		t.Error(err)
	}
}

func TestCheckCrossEntropyRejectsWrongAnswers(t *testing.T) {
	log10 := func(y, t []float64) float64 { // article 003's slip
		s := 0.0
		for k := range y {
			if t[k] != 0 {
				s -= t[k] * math.Log10(math.Max(y[k], 1e-15))
			}
		}
		return s
	}
	if checkCrossEntropy(log10) == nil {
		t.Error("checkCrossEntropy accepted log10")
	}
	unguarded := func(y, t []float64) float64 { // NaN at 0·ln 0, +Inf at ln 0
		s := 0.0
		for k := range y {
			s -= t[k] * math.Log(y[k])
		}
		return s
	}
	if checkCrossEntropy(unguarded) == nil {
		t.Error("checkCrossEntropy accepted a version without a guard")
	}
	skipsButNoClamp := func(y, t []float64) float64 { // +Inf at ln 0
		s := 0.0
		for k := range y {
			if t[k] != 0 {
				s -= t[k] * math.Log(y[k])
			}
		}
		return s
	}
	if checkCrossEntropy(skipsButNoClamp) == nil {
		t.Error("checkCrossEntropy accepted a version that returns +Inf at y = 0")
	}
	addDelta := func(y, t []float64) float64 { // the common guard: ln(y + 1e-7)
		s := 0.0
		for k := range y {
			s -= t[k] * math.Log(y[k]+1e-7)
		}
		return s
	}
	noMinus := func(y, t []float64) float64 { return -nn.CrossEntropy(y, t) } // Σ t ln y: negative
	if checkCrossEntropy(noMinus) == nil {
		t.Error("checkCrossEntropy accepted Σ t·ln y without the minus sign")
	}
	if err := checkCrossEntropy(addDelta); err != nil {
		t.Errorf("checkCrossEntropy rejected the ln(y + 1e-7) guard: %v", err)
	}
	if err := checkCrossEntropy(nn.CrossEntropy); err != nil {
		t.Errorf("checkCrossEntropy rejected nn.CrossEntropy: %v", err)
	}
}

// ---------------------------------------------------------------------------

// gradCase is a function with its exact gradient, at a point.
type gradCase struct {
	name string
	f    func(x []float64) float64
	grad func(x []float64) []float64
	x    []float64
}

func gradCases() []gradCase {
	square := gradCase{name: "x0² + x1²", f: bowl, grad: func(x []float64) []float64 { return []float64{2 * x[0], 2 * x[1]} }}
	cubic := gradCase{
		name: "x0³ + x0·x1 + 3·x2",
		f:    func(x []float64) float64 { return x[0]*x[0]*x[0] + x[0]*x[1] + 3*x[2] },
		grad: func(x []float64) []float64 { return []float64{3*x[0]*x[0] + x[1], x[0], 3} },
	}
	var cases []gradCase
	for _, x := range [][]float64{{3, 4}, {0, 2}, {3, 0}, {-1.5, 0.25}} {
		c := square
		c.x = x
		cases = append(cases, c)
	}
	for _, x := range [][]float64{{1, 2, 3}, {-2, 0.5, 0}, {0.3, -1, 7}} {
		c := cubic
		c.x = x
		cases = append(cases, c)
	}
	return cases
}

func checkNumericalGradient(numericalGradient func(f func(x []float64) float64, x []float64) []float64) error {
	for _, c := range gradCases() {
		x := append([]float64(nil), c.x...)
		got := numericalGradient(c.f, x)
		for i := range x {
			if x[i] != c.x[i] {
				return fmt.Errorf("f = %s at %v: x[%d] is %v after NumericalGradient returns, want %v: put x[i] back after nudging it",
					c.name, c.x, i, x[i], c.x[i])
			}
		}
		want := c.grad(c.x)
		if len(got) != len(want) {
			return fmt.Errorf("f = %s at %v: NumericalGradient returned %d numbers, want one per input (%d)", c.name, c.x, len(got), len(want))
		}
		for i := range want {
			if !(math.Abs(got[i]-want[i]) <= 1e-6*max(1, math.Abs(want[i]))) {
				return fmt.Errorf("f = %s at %v: ∂f/∂x%d = %.8g, want %.8g (central difference: (f(x+h) − f(x−h)) / 2h, h = 1e-4)",
					c.name, c.x, i, got[i], want[i])
			}
		}
	}
	return nil
}

func TestExerciseNumericalGradient(t *testing.T) {
	exercise.Attempted(t, "NumericalGradient", exercisesFile, func() { NumericalGradient(bowl, []float64{1, 1}) })
	if err := exercise.Safely(func() error { return checkNumericalGradient(NumericalGradient) }); err != nil {
		t.Error(err)
	}
}

func TestCheckNumericalGradientRejectsWrongAnswers(t *testing.T) {
	const h = 1e-4
	wrong := map[string]func(f func([]float64) float64, x []float64) []float64{
		"divides by h instead of 2h": func(f func([]float64) float64, x []float64) []float64 {
			g := make([]float64, len(x))
			for i := range x {
				orig := x[i]
				x[i] = orig + h
				up := f(x)
				x[i] = orig - h
				down := f(x)
				x[i] = orig
				g[i] = (up - down) / h
			}
			return g
		},
		"forgets to restore x[i]": func(f func([]float64) float64, x []float64) []float64 {
			g := make([]float64, len(x))
			for i := range x {
				orig := x[i]
				x[i] = orig + h
				up := f(x)
				x[i] = orig - h
				down := f(x)
				g[i] = (up - down) / (2 * h)
			}
			return g
		},
		"nudges every input at once": func(f func([]float64) float64, x []float64) []float64 {
			g := make([]float64, len(x))
			up, down := append([]float64(nil), x...), append([]float64(nil), x...)
			for i := range x {
				up[i] += h
				down[i] -= h
			}
			d := (f(up) - f(down)) / (2 * h)
			for i := range g {
				g[i] = d
			}
			return g
		},
		"forward difference": func(f func([]float64) float64, x []float64) []float64 {
			g := make([]float64, len(x))
			f0 := f(x)
			for i := range x {
				orig := x[i]
				x[i] = orig + h
				g[i] = (f(x) - f0) / h
				x[i] = orig
			}
			return g
		},
	}
	for name, f := range wrong {
		if checkNumericalGradient(f) == nil {
			t.Errorf("checkNumericalGradient accepted a version that %s", name)
		}
	}
	if err := checkNumericalGradient(nn.NumericalGradient); err != nil {
		t.Errorf("checkNumericalGradient rejected nn.NumericalGradient: %v", err)
	}
}
