package main

import (
	"fmt"
	"math"
	"math/rand/v2"
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
	rng := rand.New(rand.NewPCG(6, seed))
	const n, steps = 6, 12
	w := make([]float64, n)
	for i := range w {
		w[i] = rng.NormFloat64()
	}
	p := &nn.Param{Name: "w", Value: nn.RowVector(w...), Grad: nn.New(1, n)}
	for s := 1; s <= steps; s++ {
		g := make([]float64, n)
		for i := range g {
			g[i] = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(5)-2)) // sizes from 0.01 to 100
		}
		copy(p.Grad[0], g)
		ref.Step([]*nn.Param{p})
		rule(s, w, g)
		for i := range w {
			if !near(w[i], p.Value[0][i]) {
				return fmt.Errorf("%s: after step %d, w[%d] = %.8g, want %.8g (%s)", name, s, i, w[i], p.Value[0][i], formula)
			}
		}
	}
	return nil
}

func checkMomentumStep(f func(w, g, v []float64, lr, mu float64)) error {
	for k, c := range []struct{ lr, mu float64 }{{0.1, 0.9}, {0.01, 0.5}, {0.3, 0}} {
		v := make([]float64, 6)
		err := checkAgainst(fmt.Sprintf("MomentumStep(lr %g, μ %g)", c.lr, c.mu), "v ← μ·v − lr·g; w ← w + v",
			uint64(k+1), &nn.Momentum{LR: c.lr, Mu: c.mu},
			func(_ int, w, g []float64) { f(w, g, v, c.lr, c.mu) })
		if err != nil {
			return err
		}
	}
	return nil
}

func checkAdamStep(f func(w, g, m, v []float64, t int, lr, beta1, beta2, eps float64)) error {
	for k, c := range []struct{ lr, b1, b2, eps float64 }{{0.001, 0.9, 0.999, 1e-8}, {0.1, 0.8, 0.99, 1e-6}} {
		m, v := make([]float64, 6), make([]float64, 6)
		err := checkAgainst(fmt.Sprintf("AdamStep(lr %g, β1 %g, β2 %g)", c.lr, c.b1, c.b2),
			"m̂ = m/(1 − β1ᵗ), v̂ = v/(1 − β2ᵗ), w ← w − lr·m̂/(√v̂ + ε)",
			uint64(10+k), &nn.Adam{LR: c.lr, Beta1: c.b1, Beta2: c.b2, Eps: c.eps},
			func(t int, w, g []float64) { f(w, g, m, v, t, c.lr, c.b1, c.b2, c.eps) })
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
			return fmt.Errorf("StepDecay(%g, epoch %d, every %d, factor %g) = %g, want %g (lr0 · factor^⌊epoch/every⌋)",
				c.lr0, c.epoch, c.every, c.factor, got, c.want)
		}
	}
	return nil
}

func TestExerciseMomentumStep(t *testing.T) {
	exercise.Attempted(t, "MomentumStep", "ch06_sgd_adam/exercises.go", func() {
		MomentumStep([]float64{0}, []float64{0}, []float64{0}, 0.1, 0.9)
	})
	if err := checkMomentumStep(MomentumStep); err != nil {
		t.Error(err)
	}
}

func TestExerciseAdamStep(t *testing.T) {
	exercise.Attempted(t, "AdamStep", "ch06_sgd_adam/exercises.go", func() {
		AdamStep([]float64{0}, []float64{0}, []float64{0}, []float64{0}, 1, 0.001, 0.9, 0.999, 1e-8)
	})
	if err := checkAdamStep(AdamStep); err != nil {
		t.Error(err)
	}
}

func TestExerciseStepDecay(t *testing.T) {
	exercise.Attempted(t, "StepDecay", "ch06_sgd_adam/exercises.go", func() { StepDecay(0.1, 0, 10, 0.5) })
	if err := checkStepDecay(StepDecay); err != nil {
		t.Error(err)
	}
}

// The checks must be able to fail: each is fed plausible wrong answers.

func TestCheckMomentumStepRejectsWrongAnswer(t *testing.T) {
	wrong := func(w, g, v []float64, lr, mu float64) { // v built with +lr·g, then subtracted
		for i := range w {
			v[i] = mu*v[i] + lr*g[i]
			w[i] += v[i]
		}
	}
	if checkMomentumStep(wrong) == nil {
		t.Error("checkMomentumStep accepted v ← μ·v + lr·g; w ← w + v (moves uphill)")
	}
	noMemory := func(w, g, v []float64, lr, mu float64) { // forgets to keep v
		for i := range w {
			w[i] += mu*v[i] - lr*g[i]
		}
	}
	if checkMomentumStep(noMemory) == nil {
		t.Error("checkMomentumStep accepted a rule that never updates v")
	}
}

func TestCheckAdamStepRejectsWrongAnswer(t *testing.T) {
	noCorrection := func(w, g, m, v []float64, _ int, lr, b1, b2, eps float64) {
		for i := range w {
			m[i] = b1*m[i] + (1-b1)*g[i]
			v[i] = b2*v[i] + (1-b2)*g[i]*g[i]
			w[i] -= lr * m[i] / (math.Sqrt(v[i]) + eps)
		}
	}
	if checkAdamStep(noCorrection) == nil {
		t.Error("checkAdamStep accepted Adam without bias correction")
	}
	storesCorrected := func(w, g, m, v []float64, t int, lr, b1, b2, eps float64) {
		for i := range w {
			m[i] = (b1*m[i] + (1-b1)*g[i]) / (1 - math.Pow(b1, float64(t)))
			v[i] = (b2*v[i] + (1-b2)*g[i]*g[i]) / (1 - math.Pow(b2, float64(t)))
			w[i] -= lr * m[i] / (math.Sqrt(v[i]) + eps)
		}
	}
	if checkAdamStep(storesCorrected) == nil {
		t.Error("checkAdamStep accepted Adam that stores m̂ and v̂ back into m and v")
	}
}

func TestCheckStepDecayRejectsWrongAnswer(t *testing.T) {
	smooth := func(lr0 float64, epoch, every int, factor float64) float64 {
		return lr0 * math.Pow(factor, float64(epoch)/float64(every)) // no floor: decays every epoch
	}
	if checkStepDecay(smooth) == nil {
		t.Error("checkStepDecay accepted a smooth exponential decay")
	}
	offByOne := func(lr0 float64, epoch, every int, factor float64) float64 {
		return lr0 * math.Pow(factor, float64((epoch+1)/every))
	}
	if checkStepDecay(offByOne) == nil {
		t.Error("checkStepDecay accepted epochs counted from 1")
	}
}
