// Chapters 6 and 7 explain this file: the pieces of a training loop that are
// the same for every network — shuffled mini-batches, one step of learning,
// and noticing when training has gone wrong.

package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Batches deals a dataset out in shuffled mini-batches, an epoch at a time.
// A batch's rows are the dataset's own rows, not copies (a Matrix is a list
// of rows, and these are rows of X in the epoch's order), so dealing copies
// no pixels; the targets are refilled. Dealing allocates nothing.
type Batches struct {
	X      Matrix // all samples, one per row
	Labels []int  // their classes
	Size   int    // samples per batch (the last batch of an epoch may be smaller)

	classes int
	order   []int
	pos     int
	rng     *rand.Rand
	x, t    Matrix
	labels  []int
}

// NewBatches prepares batches of size samples from x and labels, shuffled
// with rng at the start of every epoch (rng nil: in order, never shuffled).
func NewBatches(x Matrix, labels []int, classes, size int, rng *rand.Rand) *Batches {
	if size < 1 {
		panic(fmt.Sprintf("nn.NewBatches: batch size %d", size))
	}
	if x.Rows() != len(labels) {
		panic(fmt.Sprintf("nn.NewBatches: %d samples, %d labels", x.Rows(), len(labels)))
	}
	b := &Batches{X: x, Labels: labels, Size: size, classes: classes, rng: rng,
		x: make(Matrix, size), t: New(size, classes), labels: make([]int, size)}
	b.order = make([]int, x.Rows())
	for i := range b.order {
		b.order[i] = i
	}
	b.pos = len(b.order) // the first Next starts an epoch
	return b
}

// Epoch starts a new pass over the data, in a new random order.
func (b *Batches) Epoch() {
	if b.rng != nil {
		b.rng.Shuffle(len(b.order), func(i, j int) { b.order[i], b.order[j] = b.order[j], b.order[i] })
	}
	b.pos = 0
}

// Next returns the next batch of the epoch: the samples, their one-hot
// targets and their labels. ok is false when the epoch is over. The matrices
// are reused by the following call; x's rows are rows of X, to be read, not
// changed.
func (b *Batches) Next() (x, t Matrix, labels []int, ok bool) {
	if b.pos >= len(b.order) {
		return nil, nil, nil, false
	}
	n := min(b.Size, len(b.order)-b.pos)
	x, t, labels = b.x[:n], b.t[:n], b.labels[:n]
	for r := range n {
		i := b.order[b.pos+r]
		x[r] = b.X[i] // the sample's own row: nothing is copied
		clear(t[r])
		t[r][b.Labels[i]] = 1
		labels[r] = b.Labels[i]
	}
	b.pos += n
	return x, t, labels, true
}

// PerEpoch is the number of batches in one epoch.
func (b *Batches) PerEpoch() int { return (len(b.order) + b.Size - 1) / b.Size }

// Step is one step of learning on a batch: forward pass and loss, backward
// pass, optimiser update. It returns the loss before the update.
func (n *MLP) Step(x, t Matrix, opt Optimizer) float64 {
	loss := n.Loss(x, t)
	n.Backward()
	opt.Step(n.Params())
	return loss
}

// DivergedError reports a loss that became NaN or infinite: the steps were
// so large that the weights overflowed. A training loop that checks the
// weights too (or the scores they give) sets Weights when those overflowed
// while the last loss was still finite.
type DivergedError struct {
	Step    int     // which step (1 = the first)
	Loss    float64 // NaN or ±Inf
	LR      float64 // the learning rate in use
	Weights bool    // the weights overflowed before the loss showed it (Loss unset)
}

// Error says at which step the loss became what, and suggests a learning
// rate ten times smaller.
func (e *DivergedError) Error() string {
	what := fmt.Sprintf("the loss became %v", e.Loss)
	if e.Weights {
		what = "the weights overflowed"
	}
	return fmt.Sprintf("training diverged: %s at step %d; the learning rate %g is too large, try %.3g",
		what, e.Step, e.LR, e.LR/10)
}

// CheckLoss returns a *DivergedError if loss is NaN or infinite.
func CheckLoss(loss float64, step int, lr float64) error {
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return &DivergedError{Step: step, Loss: loss, LR: lr}
	}
	return nil
}

// AtChance reports whether accuracy is no better than guessing among classes
// (within 3 points of 1/classes): the silent failure of a network that trains
// without error but learns nothing, often dead ReLUs from too large a
// learning rate or initial weights.
func AtChance(accuracy float64, classes int) bool {
	return accuracy < 1/float64(classes)+0.03
}

// ChanceHint is the one line to print when AtChance is true after training
// with learning rate lr. Its advice is the one that helps most often: a
// learning rate ten times smaller (a rate too large silences every ReLU unit
// in the first steps, or drives sigmoid units into their flat ends), or
// inputs scaled to 0..1. A rate far too large may need more than one tenth:
// a program that knows a rate that works for its recipe says so instead.
func ChanceHint(accuracy float64, classes int, lr float64) string {
	return fmt.Sprintf("accuracy %.1f%% is chance level (1 in %d): the network learned nothing. "+
		"Try a smaller learning rate (%.3g), or check that the inputs are scaled to 0..1",
		100*accuracy, classes, lr/10)
}
