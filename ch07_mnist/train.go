package main

import (
	"fmt"
	"math/rand/v2"

	"nnfromscratch/data"
	"nnfromscratch/nn"
)

// split is one part of a data set in the form the network takes: one image
// per row of x, pixels scaled to 0..1, and the labels as ints. images keeps
// the original bytes, for drawing digits.
type split struct {
	images *data.Set
	x      nn.Matrix
	labels []int
}

// train is the whole of learning, on one screen. Each epoch deals the
// training images out in a new random order, a mini-batch at a time; for
// each batch the network computes its guesses and their loss (forward), the
// gradient of the loss with respect to every weight (backward), and moves
// every weight a little against its gradient (step). After each epoch it is
// tested on images it never trains on.
//
// Everything else — timing, the progress line, the table, the curves — is
// the meter's job (meter.go). Nothing here allocates per batch: the batch
// matrices, the layers' buffers and the optimiser's state are all made once.
func train(net *nn.MLP, opt nn.Optimizer, tr, te *split, cfg *config, rng *rand.Rand, m *meter) error {
	batches := nn.NewBatches(tr.x, tr.labels, net.Sizes[len(net.Sizes)-1], cfg.batch, rng)
	step := 0
	for epoch := 1; epoch <= cfg.epochs; epoch++ {
		batches.Epoch() // shuffle: a new order every epoch
		m.startEpoch(epoch, batches.PerEpoch())
		for {
			x, t, labels, ok := batches.Next() // x: batch×784 pixels, t: batch×10 one-hot targets
			if !ok {
				break
			}
			loss := net.Loss(x, t) // forward: scores → softmax → mean cross-entropy
			net.Backward()         // backward: ∂loss/∂w for every weight and bias
			opt.Step(net.Params()) // step: w ← w − (the optimiser's move)
			step++
			if err := nn.CheckLoss(loss, step, cfg.lr); err != nil {
				m.stopClock()                                // and wipe the progress line
				return fmt.Errorf("-lr %g: %w", cfg.lr, err) // NaN or Inf: the weights blew up
			}
			m.batchDone(loss, net.Head.P, labels) // the probabilities the forward pass gave
		}
		m.stopClock()                              // evaluation is not training time
		m.epochDone(net.Accuracy(te.x, te.labels)) // evaluate on held-out images
	}
	return nil
}

// toSplit turns a set of images into the network's input: nn.FromPixels
// divides every byte by 255, nn.Labels turns label bytes into ints (they
// become one-hot rows batch by batch, in nn.Batches).
func toSplit(s *data.Set) *split {
	return &split{images: s, x: nn.FromPixels(s.Images, s.Rows*s.Cols), labels: nn.Labels(s.Labels)}
}

// evaluation is the network's verdict on every test image.
type evaluation struct {
	pred       []int     // the predicted class
	confidence []float64 // the probability softmax gives that class
	correct    int
}

// evaluate runs the network on x in chunks (so that evaluating 10,000 images
// does not grow the layers' buffers to 10,000 rows) and keeps each image's
// prediction and confidence.
func evaluate(net *nn.MLP, x nn.Matrix, labels []int) *evaluation {
	const chunk = 500
	ev := &evaluation{pred: make([]int, x.Rows()), confidence: make([]float64, x.Rows())}
	for lo := 0; lo < x.Rows(); lo += chunk {
		logits := net.Logits(x[lo:min(lo+chunk, x.Rows())])
		for r, z := range logits {
			probs := nn.Softmax(z)
			best := argmax(probs)
			ev.pred[lo+r], ev.confidence[lo+r] = best, probs[best]
			if best == labels[lo+r] {
				ev.correct++
			}
		}
	}
	return ev
}

// accuracy is the fraction right.
func (ev *evaluation) accuracy() float64 {
	if len(ev.pred) == 0 {
		return 0
	}
	return float64(ev.correct) / float64(len(ev.pred))
}

// argmax is the index of the largest value (the first, on a tie).
func argmax(v []float64) int {
	best := 0
	for i := range v {
		if v[i] > v[best] {
			best = i
		}
	}
	return best
}
