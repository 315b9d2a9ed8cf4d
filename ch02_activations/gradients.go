package main

import (
	"math"
	"math/rand/v2"

	"nnfromscratch/nn"
)

// The vanishing-gradient experiment: a deep stack of Dense layers with the
// same activation between them, one batch of random inputs and labels, one
// backward pass. How large is the gradient that reaches each layer?

const (
	stackWidth   = 32 // units per hidden layer, and inputs
	stackClasses = 10 // outputs
	stackBatch   = 64 // samples in the batch
)

// randomBatch returns stackBatch random inputs (standard normal) and one-hot
// random labels.
func randomBatch(rng *rand.Rand) (x, t nn.Matrix) {
	x = nn.New(stackBatch, stackWidth)
	for _, row := range x {
		for j := range row {
			row[j] = rng.NormFloat64()
		}
	}
	labels := make([]int, stackBatch)
	for i := range labels {
		labels[i] = rng.IntN(stackClasses)
	}
	return x, nn.OneHot(labels, stackClasses)
}

// stackSizes is 32-32-…-32-10 with depth hidden layers.
func stackSizes(depth int) []int {
	sizes := []int{stackWidth}
	for range depth {
		sizes = append(sizes, stackWidth)
	}
	return append(sizes, stackClasses)
}

// layerGradients builds the stack with the activation act, initialised from
// seed (every activation gets the same random draws, scaled by its own rule:
// LeCun's std √(1/fan_in) for sigmoid and tanh, He's √(2/fan_in) for ReLU),
// runs one forward and backward
// pass on x, t and returns the mean |∂L/∂W| of each Dense layer, input side
// first.
func layerGradients(act string, depth int, seed uint64, x, t nn.Matrix) ([]float64, error) {
	net, err := nn.NewMLP(stackSizes(depth), act, rand.New(rand.NewPCG(seed, 0xDEE9)))
	if err != nil {
		return nil, err
	}
	net.Loss(x, t)
	net.Backward()
	var means []float64
	for _, d := range net.Dense() {
		means = append(means, meanAbs(d.DW))
	}
	return means, nil
}

// meanAbs is the mean absolute value of the elements of m.
func meanAbs(m nn.Matrix) float64 {
	s, n := 0.0, 0
	for _, row := range m {
		for _, v := range row {
			s += math.Abs(v)
			n++
		}
	}
	return s / float64(n)
}

// deadUnits counts the units of a ReLU layer that are dead on the batch:
// their weighted sum z is ≤ 0 for every sample, so ReLU'(z) = 0 for every
// sample and no gradient reaches their weights. z is batch×units.
func deadUnits(z nn.Matrix) int {
	dead := 0
	for j := range z[0] {
		alive := false
		for i := range z {
			if z[i][j] > 0 {
				alive = true
				break
			}
		}
		if !alive {
			dead++
		}
	}
	return dead
}

// activeFraction is the fraction of samples on which unit j fires (z > 0).
func activeFraction(z nn.Matrix, j int) float64 {
	n := 0
	for i := range z {
		if z[i][j] > 0 {
			n++
		}
	}
	return float64(n) / float64(len(z))
}
