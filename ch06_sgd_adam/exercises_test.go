package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"nnfromscratch/internal/exercise"
	"nnfromscratch/nn"
)

// near reports whether got equals want up to rounding.
func near(got, want float64) bool {
	return math.Abs(got-want) <= 1e-7*(1+math.Abs(want))
}

// stepper is a learner's update rule for one step: it changes w in place.
type stepper func(step int, w, g []float64)

// checkAgainst runs rule and the reference optimiser ref side by side for
// several steps on random weights and gradients, and reports the first
// weight that differs. formula is shown in the message.
func checkAgainst(name, formula string, seed uint64, ref nn.Optimizer, rule stepper) error {
	return checkAgainstSlips(name, formula, seed, ref, rule, nil)
}

// slip is a known mistake, run beside the learner's rule so that a failure
// can say in words which mistake it looks like.
type slip struct {
	says string  // e.g. "that is Adam without the bias correction: …"
	rule stepper // the mistake, with its own state
}

// checkAgainstSlips is checkAgainst that also runs each slip in step with
// the others. When the learner's weights first differ from the reference,
// and they equal a slip's weights, the message says what that slip says.
func checkAgainstSlips(name, formula string, seed uint64, ref nn.Optimizer, rule stepper, slips []slip) error {
	rng := rand.New(rand.NewPCG(6, seed))
	const n, steps = 6, 12
	w := make([]float64, n)
	for i := range w {
		w[i] = rng.NormFloat64()
	}
	p := &nn.Param{Name: "w", Value: nn.RowVector(w...), Grad: nn.New(1, n)}
	slipW := make([][]float64, len(slips))
	for k := range slips {
		slipW[k] = append([]float64(nil), w...)
	}
	for s := 1; s <= steps; s++ {
		g := make([]float64, n)
		for i := range g {
			g[i] = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(5)-2)) // sizes from 0.01 to 100
		}
		copy(p.Grad[0], g)
		ref.Step([]*nn.Param{p})
		for k, sl := range slips {
			sl.rule(s, slipW[k], append([]float64(nil), g...))
		}
		rule(s, w, append([]float64(nil), g...))
		for i := range w {
			if !near(w[i], p.Value[0][i]) {
				hint := ""
				for k, sl := range slips {
					if allNear(w, slipW[k]) {
						hint = "; " + sl.says
						break
					}
				}
				return fmt.Errorf("%s: after step %d, w[%d] = %.8g, want %.8g (%s)%s", name, s, i, w[i], p.Value[0][i], formula, hint)
			}
		}
	}
	return nil
}

// allNear reports whether a and b agree element by element up to rounding.
func allNear(a, b []float64) bool {
	for i := range a {
		if !near(a[i], b[i]) {
			return false
		}
	}
	return true
}

// Known slips, written as the exercises are, for the checks' messages and
// for the tests that the checks reject them.

func momentumUphill(w, g, v []float64, lr, mu float64) { // v built with +lr·g, then added
	for i := range w {
		v[i] = mu*v[i] + lr*g[i]
		w[i] += v[i]
	}
}

func momentumNoMemory(w, g, v []float64, lr, mu float64) { // v is never stored
	for i := range w {
		w[i] += mu*v[i] - lr*g[i]
	}
}

func momentumLate(w, g, v []float64, lr, mu float64) { // w moves with the old v, then v is updated
	for i := range w {
		w[i] += v[i]
		v[i] = mu*v[i] - lr*g[i]
	}
}

func adamNoCorrection(w, g, m, v []float64, _ int, lr, b1, b2, eps float64) {
	for i := range w {
		m[i] = b1*m[i] + (1-b1)*g[i]
		v[i] = b2*v[i] + (1-b2)*g[i]*g[i]
		w[i] -= lr * m[i] / (math.Sqrt(v[i]) + eps)
	}
}

func adamStoresCorrected(w, g, m, v []float64, t int, lr, b1, b2, eps float64) {
	for i := range w {
		m[i] = (b1*m[i] + (1-b1)*g[i]) / (1 - math.Pow(b1, float64(t)))
		v[i] = (b2*v[i] + (1-b2)*g[i]*g[i]) / (1 - math.Pow(b2, float64(t)))
		w[i] -= lr * m[i] / (math.Sqrt(v[i]) + eps)
	}
}

func adamEpsInsideRoot(w, g, m, v []float64, t int, lr, b1, b2, eps float64) {
	for i := range w {
		m[i] = b1*m[i] + (1-b1)*g[i]
		v[i] = b2*v[i] + (1-b2)*g[i]*g[i]
		mHat, vHat := m[i]/(1-math.Pow(b1, float64(t))), v[i]/(1-math.Pow(b2, float64(t)))
		w[i] -= lr * mHat / math.Sqrt(vHat+eps)
	}
}

func checkMomentumStep(f func(w, g, v []float64, lr, mu float64)) error {
	for k, c := range []struct{ lr, mu float64 }{{0.1, 0.9}, {0.01, 0.5}, {0.3, 0}} {
		momentum := func(rule func(w, g, v []float64, lr, mu float64)) stepper {
			v := make([]float64, 6)
			return func(_ int, w, g []float64) { rule(w, g, v, c.lr, c.mu) }
		}
		err := checkAgainstSlips(fmt.Sprintf("MomentumStep(lr %g, μ %g)", c.lr, c.mu), "v ← μ·v − lr·g; w ← w + v",
			uint64(k+1), &nn.Momentum{LR: c.lr, Mu: c.mu}, momentum(f), []slip{
				{"that is v ← μ·v + lr·g, which walks uphill: subtract lr·g", momentum(momentumUphill)},
				{"that is what a v that is never stored gives: write μ·v − lr·g back into v[i]", momentum(momentumNoMemory)},
				{"that is w moved with the old v: update v first, then add the new v to w", momentum(momentumLate)},
			})
		if err != nil {
			return err
		}
	}
	return nil
}

func checkAdamStep(f func(w, g, m, v []float64, t int, lr, beta1, beta2, eps float64)) error {
	for k, c := range []struct{ lr, b1, b2, eps float64 }{{0.001, 0.9, 0.999, 1e-8}, {0.1, 0.8, 0.99, 1e-6}} {
		adam := func(rule func(w, g, m, v []float64, t int, lr, beta1, beta2, eps float64)) stepper {
			m, v := make([]float64, 6), make([]float64, 6)
			return func(t int, w, g []float64) { rule(w, g, m, v, t, c.lr, c.b1, c.b2, c.eps) }
		}
		err := checkAgainstSlips(fmt.Sprintf("AdamStep(lr %g, β1 %g, β2 %g)", c.lr, c.b1, c.b2),
			"m̂ = m/(1 − β1ᵗ), v̂ = v/(1 − β2ᵗ), w ← w − lr·m̂/(√v̂ + ε)",
			uint64(10+k), &nn.Adam{LR: c.lr, Beta1: c.b1, Beta2: c.b2, Eps: c.eps}, adam(f), []slip{
				{"that is Adam without the bias correction: divide m by (1 − β1ᵗ) and v by (1 − β2ᵗ) before the step (m̂ and v̂)", adam(adamNoCorrection)},
				{"that is Adam storing m̂ and v̂ back into m and v: keep m and v uncorrected, the correction is only for the step", adam(adamStoresCorrected)},
				{"that is ε inside the square root: add ε after it, √v̂ + ε", adam(adamEpsInsideRoot)},
			})
		if err != nil {
			return err
		}
	}
	return nil
}

func checkStepDecay(f func(lr0 float64, epoch, every int, factor float64) float64) error {
	for _, c := range []struct {
		lr0          float64
		epoch, every int
		factor, want float64
	}{
		{0.1, 0, 10, 0.5, 0.1},
		{0.1, 9, 10, 0.5, 0.1},
		{0.1, 10, 10, 0.5, 0.05},
		{0.1, 19, 10, 0.5, 0.05},
		{0.1, 25, 10, 0.5, 0.025},
		{1, 7, 3, 0.1, 0.01},
		{0.001, 4, 1, 0.5, 0.0000625},
		{0.3, 2, 5, 0.2, 0.3},
	} {
		if got := f(c.lr0, c.epoch, c.every, c.factor); !near(got, c.want) {
			hint := ""
			switch {
			case near(got, c.lr0*math.Pow(c.factor, float64(c.epoch)/float64(c.every))):
				hint = ": that is factor^(epoch/every) without the floor, a smooth decay; the rate should stay put for `every` epochs, then drop"
			case near(got, c.lr0*math.Pow(c.factor, float64((c.epoch+1)/c.every))):
				hint = ": that counts epochs from 1; the first epoch is epoch 0"
			}
			return fmt.Errorf("StepDecay(%g, epoch %d, every %d, factor %g) = %g, want %g (lr0 · factor^⌊epoch/every⌋)%s",
				c.lr0, c.epoch, c.every, c.factor, got, c.want, hint)
		}
	}
	return nil
}

func TestExerciseMomentumStep(t *testing.T) {
	exercise.Attempted(t, "MomentumStep", "ch06_sgd_adam/exercises.go", func() {
		MomentumStep([]float64{0}, []float64{0}, []float64{0}, 0.1, 0.9)
	})
	if err := exercise.Safely(func() error { return checkMomentumStep(MomentumStep) }); err != nil {
		t.Error(err)
	}
}

func TestExerciseAdamStep(t *testing.T) {
	exercise.Attempted(t, "AdamStep", "ch06_sgd_adam/exercises.go", func() {
		AdamStep([]float64{0}, []float64{0}, []float64{0}, []float64{0}, 1, 0.001, 0.9, 0.999, 1e-8)
	})
	if err := exercise.Safely(func() error { return checkAdamStep(AdamStep) }); err != nil {
		t.Error(err)
	}
}

func TestExerciseStepDecay(t *testing.T) {
	exercise.Attempted(t, "StepDecay", "ch06_sgd_adam/exercises.go", func() { StepDecay(0.1, 0, 10, 0.5) })
	if err := exercise.Safely(func() error { return checkStepDecay(StepDecay) }); err != nil {
		t.Error(err)
	}
}

// The checks must be able to fail: each is fed plausible wrong answers.

func TestCheckMomentumStepRejectsWrongAnswer(t *testing.T) {
	for name, c := range map[string]struct {
		rule func(w, g, v []float64, lr, mu float64)
		says string
	}{
		"v ← μ·v + lr·g; w ← w + v (moves uphill)": {momentumUphill, "walks uphill"},
		"a rule that never updates v":              {momentumNoMemory, "never stored"},
		"w moved with the old v":                   {momentumLate, "the old v"},
	} {
		err := checkMomentumStep(c.rule)
		if err == nil {
			t.Errorf("checkMomentumStep accepted %s", name)
		} else if !strings.Contains(err.Error(), c.says) {
			t.Errorf("checkMomentumStep rejects %s without saying so (%q): %v", name, c.says, err)
		}
	}
	pytorch := func(w, g, v []float64, lr, mu float64) { // PyTorch's form: v ← μ·v + g; w ← w − lr·v
		for i := range w {
			v[i] = mu*v[i] + g[i]
			w[i] -= lr * v[i]
		}
	}
	if err := checkMomentumStep(pytorch); err != nil {
		t.Errorf("checkMomentumStep rejected PyTorch's form, the same steps for a fixed lr: %v", err)
	}
}

func TestCheckAdamStepRejectsWrongAnswer(t *testing.T) {
	for name, c := range map[string]struct {
		rule func(w, g, m, v []float64, t int, lr, beta1, beta2, eps float64)
		says string
	}{
		"Adam without bias correction":                 {adamNoCorrection, "without the bias correction"},
		"Adam that stores m̂ and v̂ back into m and v": {adamStoresCorrected, "storing m̂ and v̂"},
		"Adam with ε inside the square root":           {adamEpsInsideRoot, "inside the square root"},
	} {
		err := checkAdamStep(c.rule)
		if err == nil {
			t.Errorf("checkAdamStep accepted %s", name)
		} else if !strings.Contains(err.Error(), c.says) {
			t.Errorf("checkAdamStep rejects %s without saying so in words (%q): %v", name, c.says, err)
		}
	}
}

func TestCheckStepDecayRejectsWrongAnswer(t *testing.T) {
	smooth := func(lr0 float64, epoch, every int, factor float64) float64 {
		return lr0 * math.Pow(factor, float64(epoch)/float64(every)) // no floor: decays every epoch
	}
	if err := checkStepDecay(smooth); err == nil || !strings.Contains(err.Error(), "without the floor") {
		t.Errorf("checkStepDecay on a smooth exponential decay: %v", err)
	}
	offByOne := func(lr0 float64, epoch, every int, factor float64) float64 {
		return lr0 * math.Pow(factor, float64((epoch+1)/every))
	}
	if err := checkStepDecay(offByOne); err == nil || !strings.Contains(err.Error(), "from 1") {
		t.Errorf("checkStepDecay on epochs counted from 1: %v", err)
	}
	product := func(lr0 float64, epoch, every int, factor float64) float64 {
		return lr0 * factor * float64(epoch/every) // times ⌊epoch/every⌋ instead of to the power
	}
	if checkStepDecay(product) == nil {
		t.Error("checkStepDecay accepted lr0 · factor · ⌊epoch/every⌋")
	}
}
