package main

import (
	"math/rand/v2"

	"nnfromscratch/nn"
)

// Perceptron is a single artificial neuron with the step activation:
//
//	y = step(w·x + b)
//
// It fires (y = 1) when the weighted sum of its inputs plus its bias is above
// zero, and stays silent (y = 0) otherwise.
type Perceptron struct {
	W []float64 // one weight per input
	B float64   // the bias: how easily the neuron fires
}

// Sum returns the weighted sum w·x + b.
func (p Perceptron) Sum(x []float64) float64 {
	s := p.B
	for i, xi := range x {
		s += p.W[i] * xi
	}
	return s
}

// Output returns step(w·x + b), 0 or 1.
func (p Perceptron) Output(x []float64) float64 { return nn.Step(p.Sum(x)) }

// The three gates of section 1, with weights chosen by hand. Any weights that
// put the line w·x + b = 0 between the 1s and the 0s would do.
var (
	andGate  = Perceptron{W: []float64{0.5, 0.5}, B: -0.7}
	nandGate = Perceptron{W: []float64{-0.5, -0.5}, B: 0.7}
	orGate   = Perceptron{W: []float64{0.5, 0.5}, B: -0.2}
)

// inputs are the four rows of a two-input truth table, in the usual order.
var inputs = [][]float64{{0, 0}, {1, 0}, {0, 1}, {1, 1}}

// A task is a truth table to learn: the target t for each row of inputs.
type task struct {
	name    string
	targets []float64
}

var (
	andTask = task{"AND", []float64{0, 0, 0, 1}}
	orTask  = task{"OR", []float64{0, 1, 1, 1}}
	xorTask = task{"XOR", []float64{0, 1, 1, 0}}
)

// randomPerceptron draws the starting weights and bias uniformly from [−1, 1).
func randomPerceptron(rng *rand.Rand, inputs int) Perceptron {
	p := Perceptron{W: make([]float64, inputs)}
	for i := range p.W {
		p.W[i] = 2*rng.Float64() - 1
	}
	p.B = 2*rng.Float64() - 1
	return p
}

// learn applies the perceptron learning rule to one sample, changing p in
// place, and reports whether the perceptron got the sample wrong:
//
//	w ← w + η(t − y)x,   b ← b + η(t − y)
//
// When y = t the factor (t − y) is 0 and nothing moves. When the perceptron
// said 0 but should have said 1, each weight grows by η times its input, so
// the sum w·x + b rises on this sample; the other mistake lowers it.
func learn(p *Perceptron, x []float64, t, eta float64) (wrong bool) {
	y := p.Output(x)
	if y == t {
		return false
	}
	for i := range p.W {
		p.W[i] += eta * (t - y) * x[i]
	}
	p.B += eta * (t - y)
	return true
}

// trainResult is the record of one run of the perceptron rule.
type trainResult struct {
	errors    []int      // mistakes made in each epoch
	converged bool       // an epoch passed with no mistake
	final     Perceptron // the weights at the end
}

// train runs the perceptron rule on a task from the given start, one epoch
// being one pass over the four samples in order, until an epoch passes with
// no mistake or maxEpochs have run.
func train(start Perceptron, tk task, eta float64, maxEpochs int) trainResult {
	p := Perceptron{W: append([]float64(nil), start.W...), B: start.B}
	var r trainResult
	for range maxEpochs {
		mistakes := 0
		for i, x := range inputs {
			if learn(&p, x, tk.targets[i], eta) {
				mistakes++
			}
		}
		r.errors = append(r.errors, mistakes)
		if mistakes == 0 {
			r.converged = true
			break
		}
	}
	r.final = p
	return r
}

// separatingLines counts, among all lines w1·x1 + w2·x2 + b = 0 with w1, w2
// and b on a grid of tenths in [−2, 2], how many classify every sample of the
// task correctly, and the most samples any one of them gets right. The sums
// are done in whole tenths (integers), so no rounding can tip a point that
// lies exactly on a line.
func separatingLines(tk task) (lines, perfect, best int) {
	for w1 := -20; w1 <= 20; w1++ {
		for w2 := -20; w2 <= 20; w2++ {
			for b := -20; b <= 20; b++ {
				lines++
				right := 0
				for i, x := range inputs {
					y := 0.0
					if w1*int(x[0])+w2*int(x[1])+b > 0 {
						y = 1
					}
					if y == tk.targets[i] {
						right++
					}
				}
				best = max(best, right)
				if right == len(inputs) {
					perfect++
				}
			}
		}
	}
	return lines, perfect, best
}

// twoLayerXOR computes XOR with two layers of perceptrons: the hidden layer
// holds s1 = NAND(x) and s2 = OR(x); the output is AND(s1, s2).
func twoLayerXOR(x []float64) (s1, s2, y float64) {
	s1 = nandGate.Output(x)
	s2 = orGate.Output(x)
	y = andGate.Output([]float64{s1, s2})
	return s1, s2, y
}
