//go:build !solutions

package main

import (
	"math"
	"math/rand/v2"

	"nnfromscratch/nn"
)

// Exercises for chapter 6. Replace each panic("exercise: not written yet")
// with your code, then check:
//
//	go test ./ch06_sgd_adam -run Exercise -v
//	go run ./internal/exercise/progress        (every chapter at a glance)

// Your answers may call math (math.Sqrt, math.Pow) and nn (nn.New). This
// line keeps the math import in use while the functions are still stubs;
// leave it.
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

// HeInit fills w, the weights of a layer with n_in inputs (its rows) and
// n_out outputs (its columns), with He's initialisation: every weight an
// independent draw from a normal distribution with mean 0 and standard
// deviation
//
//	s = √(2/n_in)
//
// rng.NormFloat64() draws from N(0, 1); multiply it by s. Fill w in place.
// Check: go test ./ch06_sgd_adam -run ExerciseHeInit -v
func HeInit(w nn.Matrix, rng *rand.Rand) {
	panic("exercise: not written yet")
}

// BatchNormBackward is the backward pass of batch normalisation,
// y = γ·x̂ + β with x̂ = (x − μ_B)/σ and σ = √(σ²_B + ε), for a batch of n
// rows. It gets what the forward pass kept: x̂ (n×features), γ and σ
// (1×features each), and dout = ∂L/∂y (n×features). Return, per feature
// (column),
//
//	dγ = Σ_i dout_i ⊙ x̂_i          dβ = Σ_i dout_i          (1×features)
//	dx_i = (γ/σ) ⊙ (dout_i − mean(dout) − x̂_i ⊙ mean(dout ⊙ x̂))   (n×features)
//
// where mean(·) averages over the n rows. The last two terms are μ_B and
// σ²_B at work: every x of the batch moved them. It must agree with
// nn.BatchNorm's Backward. Do not change the inputs.
// Check: go test ./ch06_sgd_adam -run ExerciseBatchNormBackward -v
func BatchNormBackward(xhat, gamma, std, dout nn.Matrix) (dx, dgamma, dbeta nn.Matrix) {
	panic("exercise: not written yet")
}

// Dropout is inverted dropout with drop rate rate and a fixed mask: unit
// (i, j) is kept where keep[i][j] is not 0 and dropped where it is 0. With
// q = 1 − rate, the probability of keeping a unit,
//
//	mask = 1/q where kept, 0 where dropped
//	out = x ⊙ mask              (forward, while training)
//	dx  = dout ⊙ mask           (backward)
//
// Return both; x, dout and keep have the same shape. It must agree with
// nn.Dropout (with its Keep field set). Do not change the inputs.
// Check: go test ./ch06_sgd_adam -run ExerciseDropout -v
func Dropout(x, dout, keep nn.Matrix, rate float64) (out, dx nn.Matrix) {
	panic("exercise: not written yet")
}

// AdamWStep is step number t of AdamW, Adam with decoupled weight decay λ,
// on the weights w with gradients g (m and v as in AdamStep). First shrink
// every weight, then take Adam's step with the gradient as it is:
//
//	w ← w − lr·λ·w
//	m, v, m̂, v̂ as in AdamStep;   w ← w − lr·m̂ / (√v̂ + ε)
//
// The decay never enters g, m or v. It must agree with nn.AdamW.
// Check: go test ./ch06_sgd_adam -run ExerciseAdamWStep -v
func AdamWStep(w, g, m, v []float64, t int, lr, beta1, beta2, eps, lambda float64) {
	panic("exercise: not written yet")
}
