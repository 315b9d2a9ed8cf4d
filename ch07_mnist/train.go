package main

import (
	"context"
	"errors"
	"fmt"
	"math"
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
//
// Between two batches the loop looks at ctx: after Ctrl-C it stops there and
// returns where it stopped, leaving the network as the last step left it.
func train(ctx context.Context, net *nn.MLP, opt nn.Optimizer, tr, te *split, cfg *config, rng *rand.Rand, m *meter) (*interruption, error) {
	// A batch larger than the training set is the whole set: the buffers
	// need be no larger.
	batches := nn.NewBatches(tr.x, tr.labels, net.Sizes[len(net.Sizes)-1], min(cfg.batch, tr.x.Rows()), rng)
	step := 0
	for epoch := 1; epoch <= cfg.epochs; epoch++ {
		batches.Epoch() // shuffle: a new order every epoch
		m.startEpoch(epoch, batches.PerEpoch())
		for {
			x, t, labels, ok := batches.Next() // x: batch×784 pixels, t: batch×10 one-hot targets
			if !ok {
				break
			}
			select {
			case <-ctx.Done(): // Ctrl-C: stop before this batch
				m.abandonEpoch()
				if hasNonFinite(net) { // (overflowing scores are caught by evaluate)
					return nil, overflowed(cfg, step)
				}
				return &interruption{epoch, cfg.epochs, m.batches, m.perEpoch}, nil
			default:
			}
			loss := net.Loss(x, t) // forward: scores → softmax → mean cross-entropy
			net.Backward()         // backward: ∂loss/∂w for every weight and bias
			opt.Step(net.Params()) // step: w ← w − (the optimiser's move)
			step++
			if err := nn.CheckLoss(loss, step, cfg.lr); err != nil {
				m.stopClock()                                     // and wipe the progress line
				return nil, fmt.Errorf("-lr %g: %w", cfg.lr, err) // NaN or Inf: the weights blew up
			}
			m.batchDone(loss, net.Head.P, labels) // the probabilities the forward pass gave
		}
		m.stopClock() // evaluation is not training time
		// The last step of the epoch may have sent the weights so far that
		// the network's scores overflow, before any loss could show it:
		// look before printing anything.
		accuracy, ok := testAccuracy(net, te) // evaluate on held-out images
		if !ok || hasNonFinite(net) {
			return nil, overflowed(cfg, step)
		}
		m.epochDone(accuracy)
	}
	return nil, nil
}

// overflowed is the error of a run whose weights or scores left the
// numbers, though the last loss computed was still finite.
func overflowed(cfg *config, step int) error {
	return fmt.Errorf("-lr %g: training diverged: the weights overflowed at step %d; the learning rate %g is too large, try %.3g",
		cfg.lr, step, cfg.lr, cfg.lr/10)
}

// testAccuracy is net.Accuracy on the test images, computed the same way
// (in chunks of 500, the largest score wins), and reports whether every
// score the network gave was a finite number.
func testAccuracy(net *nn.MLP, te *split) (accuracy float64, finite bool) {
	const chunk = 500
	right := 0
	for lo := 0; lo < te.x.Rows(); lo += chunk {
		logits := net.Logits(te.x[lo:min(lo+chunk, te.x.Rows())])
		if !allFinite(logits) {
			return 0, false
		}
		for r, c := range logits.ArgmaxRows() {
			if c == te.labels[lo+r] {
				right++
			}
		}
	}
	return float64(right) / float64(max(1, te.x.Rows())), true
}

// interruption says where Ctrl-C stopped a training run.
type interruption struct {
	epoch, epochs   int // the epoch under way, of how many
	batch, perEpoch int // the batches done in it, of how many
}

func (s *interruption) String() string {
	return fmt.Sprintf("interrupted during epoch %d (batch %d of %d)", s.epoch, s.batch, s.perEpoch)
}

// hasNonFinite reports whether a weight or bias of net is NaN or infinite.
func hasNonFinite(net *nn.MLP) bool {
	for _, p := range net.Params() {
		if !allFinite(p.Value) {
			return true
		}
	}
	return false
}

// allFinite reports whether every value of m is a number, not NaN or ±Inf.
func allFinite(m nn.Matrix) bool {
	for _, row := range m {
		for _, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return false
			}
		}
	}
	return true
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

// errOverflow says that the network's scores are not all finite numbers:
// its weights are too large (a diverged run, or a model edited by hand).
var errOverflow = errors.New("the network's scores overflow (NaN or infinite)")

// evaluate runs the network on x in chunks (so that evaluating 10,000 images
// does not grow the layers' buffers to 10,000 rows) and keeps each image's
// prediction and confidence. It returns errOverflow rather than results
// made of NaN.
func evaluate(net *nn.MLP, x nn.Matrix, labels []int) (*evaluation, error) {
	const chunk = 500
	ev := &evaluation{pred: make([]int, x.Rows()), confidence: make([]float64, x.Rows())}
	for lo := 0; lo < x.Rows(); lo += chunk {
		logits := net.Logits(x[lo:min(lo+chunk, x.Rows())])
		if !allFinite(logits) {
			return nil, errOverflow
		}
		for r, z := range logits {
			probs := nn.Softmax(z)
			best := argmax(probs)
			ev.pred[lo+r], ev.confidence[lo+r] = best, probs[best]
			if best == labels[lo+r] {
				ev.correct++
			}
		}
	}
	return ev, nil
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
