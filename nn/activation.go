// Chapter 2 (ch02_activations) explains this file: the functions that bend a
// layer's weighted sums, and their derivatives, which backpropagation needs.

package nn

import "math"

// Step is the perceptron's activation: 1 for x > 0, else 0. Its derivative is
// 0 everywhere it exists, which is why gradient descent cannot train it.
func Step(x float64) float64 {
	if x > 0 {
		return 1
	}
	return 0
}

// StepGrad is the derivative of Step away from 0: always 0.
func StepGrad(x float64) float64 { return 0 }

// Sigmoid is σ(x) = 1 / (1 + e^−x), written so that e^x never overflows: for
// x < 0 it uses the equal form e^x / (1 + e^x).
func Sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

// SigmoidGrad is σ'(x) = σ(x)(1 − σ(x)), at most 0.25 (at x = 0).
func SigmoidGrad(x float64) float64 {
	s := Sigmoid(x)
	return s * (1 - s)
}

// Tanh is the hyperbolic tangent, a sigmoid stretched to (−1, 1).
func Tanh(x float64) float64 { return math.Tanh(x) }

// TanhGrad is tanh'(x) = 1 − tanh²(x), at most 1 (at x = 0).
func TanhGrad(x float64) float64 {
	t := math.Tanh(x)
	return 1 - t*t
}

// ReLU is max(0, x).
func ReLU(x float64) float64 {
	if x > 0 {
		return x
	}
	return 0
}

// ReLUGrad is 1 for x > 0 and 0 otherwise (the value at 0 is a convention).
func ReLUGrad(x float64) float64 {
	if x > 0 {
		return 1
	}
	return 0
}

// Activation pairs a function with its derivative, by name.
type Activation struct {
	Name string
	F    func(float64) float64
	Grad func(float64) float64
}

// Activations lists the element-wise activations in the order chapter 2
// introduces them.
var Activations = []Activation{
	{"step", Step, StepGrad},
	{"sigmoid", Sigmoid, SigmoidGrad},
	{"tanh", Tanh, TanhGrad},
	{"relu", ReLU, ReLUGrad},
}

// Softmax returns e^(v_i) / Σ_j e^(v_j): positive numbers that sum to 1 and
// keep the order of v. The largest value is subtracted first, which changes
// nothing mathematically but keeps every exponent ≤ 0, so nothing overflows.
func Softmax(v []float64) []float64 {
	out := make([]float64, len(v))
	softmaxInto(out, v)
	return out
}

func softmaxInto(out, v []float64) {
	if len(v) == 0 {
		return
	}
	m := v[0]
	for _, x := range v {
		m = math.Max(m, x)
	}
	sum := 0.0
	for i, x := range v {
		out[i] = math.Exp(x - m)
		sum += out[i]
	}
	for i := range out {
		out[i] /= sum
	}
}

// softmaxRows applies Softmax to every row of m.
func softmaxRows(m Matrix) Matrix {
	out := New(m.Rows(), m.Cols())
	for i := range m {
		softmaxInto(out[i], m[i])
	}
	return out
}

// ActivationNames lists the activations a network can use between its Dense
// layers (NewMLP, NewActivationLayer), as OptimizerNames lists optimisers: a
// flag can be checked with slices.Contains before anything is built.
var ActivationNames = []string{"relu", "sigmoid", "tanh"}
