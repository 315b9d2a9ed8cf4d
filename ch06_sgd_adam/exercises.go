//go:build !solutions

package main

import "math"

// Exercises for chapter 6. Replace each panic("exercise: not written yet")
// with your code, then check:
//
//	go test ./ch06_sgd_adam -run Exercise -v
//	go run ./internal/exercise/progress        (every chapter at a glance)

// Your answers may call math (math.Sqrt, math.Pow). This line keeps the
// import in use while the functions are still stubs; leave it.
var _ = math.Sqrt

// MomentumStep is one step of SGD with momentum on the weights w, given
// their gradients g and the velocity v (one entry per weight, all zero
// before the first step). Update v and w in place:
//
//	v ← μ·v − lr·g
//	w ← w + v
//
// It must agree with nn.Momentum step after step.
// Check: go test ./ch06_sgd_adam -run ExerciseMomentumStep -v
func MomentumStep(w, g, v []float64, lr, mu float64) {
	panic("exercise: not written yet")
}

// AdamStep is step number t (1 for the first step) of Adam on the weights w
// with gradients g. m and v are the running means of g and g² (zero before
// the first step); update m, v and w in place:
//
//	m ← β1·m + (1 − β1)·g          v ← β2·v + (1 − β2)·g²
//	m̂ = m / (1 − β1ᵗ)               v̂ = v / (1 − β2ᵗ)
//	w ← w − lr·m̂ / (√v̂ + ε)
//
// Do not store m̂ and v̂ back into m and v: the correction is only for the step.
// Check: go test ./ch06_sgd_adam -run ExerciseAdamStep -v
func AdamStep(w, g, m, v []float64, t int, lr, beta1, beta2, eps float64) {
	panic("exercise: not written yet")
}

// StepDecay is a learning-rate schedule: start at lr0 and multiply by factor
// after every `every` epochs. Epochs count from 0, so epochs 0 … every−1 use
// lr0, the next `every` epochs use lr0·factor, and so on:
//
//	lr(epoch) = lr0 · factor^⌊epoch / every⌋
//
// Check: go test ./ch06_sgd_adam -run ExerciseStepDecay -v
func StepDecay(lr0 float64, epoch, every int, factor float64) float64 {
	panic("exercise: not written yet")
}
