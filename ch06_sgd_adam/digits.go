package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"

	"nnfromscratch/data"
	"nnfromscratch/nn"
)

// The second word of each PCG seed of this chapter's training runs. Every run
// draws its initial weights from netStream and its batch order from
// batchStream, so all runs with the same -seed start from the same weights
// and see the same batches: only the optimiser differs.
const (
	netStream   = 61
	batchStream = 62
)

// mlpSizes is the network of sections 3–6: 784 pixels, 64 ReLU units, 10 digits.
var mlpSizes = []int{784, 64, 10}

// digits holds the training and held-out images as matrices (one image per
// row, pixels ÷ 255) with their labels.
type digits struct {
	name                    string
	trainX, testX           nn.Matrix
	trainLabels, testLabels []int
}

// loadDigits loads the bundled sample: by default the first 2,000 training
// and 500 held-out digits of data.SampleSplit, with full all 8,000 and 2,000.
func loadDigits(full bool) (*digits, error) {
	train, test, err := data.SampleSplit()
	if err != nil {
		return nil, err
	}
	name := "all of the bundled sample (data.SampleSplit)"
	if !full {
		train, test = train.Head(2000), test.Head(500)
		name = "a subset of the bundled sample (-full for all of it)"
	}
	pixels := train.Rows * train.Cols
	return &digits{
		name:        name,
		trainX:      nn.FromPixels(train.Images, pixels),
		trainLabels: nn.Labels(train.Labels),
		testX:       nn.FromPixels(test.Images, pixels),
		testLabels:  nn.Labels(test.Labels),
	}, nil
}

// newNet returns the untrained network every run starts from.
func newNet(seed uint64) *nn.MLP {
	net, _ := nn.NewMLP(mlpSizes, "relu", rand.New(rand.NewPCG(seed, netStream)))
	return net
}

// result is what one training run reports.
type result struct {
	loss, acc      []float64 // per epoch: mean loss of its batches, held-out accuracy
	curveX, curveY []float64 // loss curve: mean loss of each few batches, x in epochs
	updates        int       // optimiser steps taken
	net            *nn.MLP
}

// train runs epochs of mini-batch training with opt and returns what
// happened. A loss that turns NaN or infinite stops it with a *nn.DivergedError.
func train(seed uint64, d *digits, opt nn.Optimizer, lr float64, batch, epochs int) (*result, error) {
	net := newNet(seed)
	batches := nn.NewBatches(d.trainX, d.trainLabels, 10, batch, rand.New(rand.NewPCG(seed, batchStream)))
	perEpoch := batches.PerEpoch()
	window := max(1, perEpoch/8) // batches per point of the loss curve
	r := &result{net: net}
	windowSum, windowN := 0.0, 0
	for range epochs {
		batches.Epoch()
		sum, n := 0.0, 0
		for {
			x, t, _, ok := batches.Next()
			if !ok {
				break
			}
			loss := net.Step(x, t, opt)
			r.updates++
			if err := nn.CheckLoss(loss, r.updates, lr); err != nil {
				return r, err
			}
			sum += loss
			n++
			windowSum += loss
			windowN++
			if windowN == window {
				r.curveX = append(r.curveX, float64(r.updates)/float64(perEpoch))
				r.curveY = append(r.curveY, windowSum/float64(windowN))
				windowSum, windowN = 0, 0
			}
		}
		r.loss = append(r.loss, sum/float64(n))
		r.acc = append(r.acc, net.Accuracy(d.testX, d.testLabels))
	}
	return r, nil
}

// epochHeader prints the two header lines of a per-epoch table whose first
// columns are first (already formatted to width) and whose cells are a loss
// and an accuracy called acc.
func epochHeader(w io.Writer, first, blank string, epochs int, acc string) {
	top, sub := first, blank
	for e := 1; e <= epochs; e++ {
		top += fmt.Sprintf("   %-15s", fmt.Sprintf("epoch %d", e))
		sub += fmt.Sprintf("   %-7s %-7s", "loss", acc)
	}
	row(w, "%s", top)
	row(w, "%s", sub)
}

// epochCells formats a run's per-epoch loss and accuracy.
func epochCells(r *result) string {
	s := ""
	for e := range r.loss {
		s += fmt.Sprintf("   %-7.4f %-7s", r.loss[e], percent(r.acc[e]))
	}
	return s
}

func percent(acc float64) string { return fmt.Sprintf("%.1f%%", 100*acc) }

// ---------------------------------------------------------------------------
// 3. The same network, five optimisers

// digitOptimizers returns the five optimisers with the learning rates they
// are usually run at on a problem like this one.
func digitOptimizers() []racer {
	return []racer{
		{"SGD", 0.1, &nn.SGD{LR: 0.1}},
		{"Momentum", 0.01, &nn.Momentum{LR: 0.01, Mu: 0.9}},
		{"AdaGrad", 0.01, &nn.AdaGrad{LR: 0.01, Eps: 1e-8}},
		{"RMSProp", 0.001, &nn.RMSProp{LR: 0.001, Rho: 0.99, Eps: 1e-8}},
		{"Adam", 0.001, nn.NewAdam(0.001)},
	}
}

// compare trains the network with each optimiser and returns the results by
// optimiser name and the figure of their training losses.
func compare(w io.Writer, c config, d *digits) (map[string]*result, *nn.Plot, error) {
	fmt.Fprintln(w, "== 3. One network, five optimisers, on real digits ==")
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Data: %s, %s training and %s held-out digits.\n",
		d.name, nn.Thousands(d.trainX.Rows()), nn.Thousands(d.testX.Rows()))
	net := newNet(c.seed)
	fmt.Fprintf(w, "Network %s, untrained: %s of the held-out digits right.\n",
		net, percent(net.Accuracy(d.testX, d.testLabels)))
	fmt.Fprintf(w, "Every run starts from these weights and sees the same batches of %d in the same order,\n", c.batch)
	fmt.Fprintf(w, "for %d epochs; only the optimiser differs.\n", c.epochs)
	fmt.Fprintln(w)
	epochHeader(w, fmt.Sprintf("  %-9s %-6s", "optimiser", "lr"), fmt.Sprintf("  %-9s %-6s", "", ""), c.epochs, "acc")
	results := map[string]*result{}
	plot := &nn.Plot{Title: fmt.Sprintf("Training loss, %s digits, batch %d", nn.Thousands(d.trainX.Rows()), c.batch),
		XLabel: "epoch", YLabel: "mean cross-entropy of recent batches",
		XMin: 0, XMax: float64(c.epochs), YMin: 0, YMax: 2.5}
	for _, o := range digitOptimizers() {
		r, err := train(c.seed, d, o.opt, o.lr, c.batch, c.epochs)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", o.name, err)
		}
		results[o.name] = r
		row(w, "  %-9s %-6g%s", o.name, o.lr, epochCells(r))
		plot.Series = append(plot.Series, nn.Series{Name: fmt.Sprintf("%s %g", o.name, o.lr), X: r.curveX, Y: r.curveY})
	}
	fmt.Fprintln(w, "(loss: the mean loss of the epoch's batches, each measured before its update;")
	fmt.Fprintln(w, " acc: held-out accuracy at the end of the epoch)")
	fmt.Fprintln(w)
	if err := otherSeeds(w, c, d, results); err != nil {
		return nil, nil, err
	}
	return results, plot, nil
}

// seedsCompared is how many seeds otherSeeds trains each optimiser with.
const seedsCompared = 3

// otherSeeds trains each optimiser again from other initial weights and batch
// orders (seeds -seed+1, -seed+2) and prints the final held-out accuracy of
// every seed, with the error bar of an accuracy on that many digits: what the
// ranking of one table can and cannot say.
func otherSeeds(w io.Writer, c config, d *digits, first map[string]*result) error {
	n := d.testX.Rows()
	fmt.Fprintf(w, "The last column again, for %d seeds (other initial weights, other batch orders):\n", seedsCompared)
	head := fmt.Sprintf("  %-9s", "optimiser")
	for k := range seedsCompared {
		head += fmt.Sprintf(" %-8s", fmt.Sprintf("seed %d", c.seed+uint64(k)))
	}
	row(w, "%s %s", head, "mean")
	for _, o := range digitOptimizers() {
		line, sum := fmt.Sprintf("  %-9s", o.name), 0.0
		for k := range seedsCompared {
			r := first[o.name]
			if k > 0 {
				seed, again := c.seed+uint64(k), fresh(o.name) // an optimiser with no state yet
				var err error
				if r, err = train(seed, d, again.opt, again.lr, c.batch, c.epochs); err != nil {
					return fmt.Errorf("%s, seed %d: %w", o.name, seed, err)
				}
			}
			acc := r.acc[len(r.acc)-1]
			sum += acc
			line += fmt.Sprintf(" %-8s", percent(acc))
		}
		row(w, "%s %s", line, percent(sum/seedsCompared))
	}
	fmt.Fprintf(w, "An accuracy p measured on %s digits is uncertain by about √(p(1 − p)/%d), its standard\n", nn.Thousands(n), n)
	fmt.Fprintf(w, "error: ±%.1f points at 90%%. Differences smaller than that, or that change sign from seed\n", 100*math.Sqrt(0.9*0.1/float64(n)))
	fmt.Fprintln(w, "to seed, say nothing about which rule is better.")
	fmt.Fprintln(w)
	return nil
}

// fresh returns the optimiser called name of digitOptimizers, with no state.
func fresh(name string) racer {
	for _, o := range digitOptimizers() {
		if o.name == name {
			return o
		}
	}
	panic("no optimiser " + name)
}

// ---------------------------------------------------------------------------
// 4. Mini-batch versus full batch

func miniVsFull(w io.Writer, c config, d *digits, mini *result) error {
	fmt.Fprintln(w, "== 4. Mini-batch SGD versus full-batch gradient descent ==")
	fmt.Fprintln(w)
	n := d.trainX.Rows()
	full, err := train(c.seed, d, &nn.SGD{LR: 0.1}, 0.1, n, c.epochs)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "SGD, lr 0.1, %d epochs either way. Full batch: the gradient of all %s images, one\n", c.epochs, nn.Thousands(n))
	fmt.Fprintf(w, "update per epoch. Mini-batch: a gradient from %d images at a time, %d updates per epoch.\n",
		c.batch, (n+c.batch-1)/c.batch)
	epochHeader(w, fmt.Sprintf("  %-12s %-8s", "batch", "updates"), fmt.Sprintf("  %-12s %-8s", "", ""), c.epochs, "acc")
	row(w, "  %-12s %-8d%s", fmt.Sprintf("full (%d)", n), full.updates, epochCells(full))
	row(w, "  %-12s %-8d%s", fmt.Sprintf("mini (%d)", c.batch), mini.updates, epochCells(mini))
	fmt.Fprintln(w, "Each epoch costs the same arithmetic either way (every image forward and backward")
	fmt.Fprintln(w, "once), but the mini-batches turn it into many small steps instead of one careful one.")
	fmt.Fprintln(w, "A mini-batch gradient is noisy, yet pointing roughly downhill many times beats pointing")
	fmt.Fprintln(w, "exactly downhill once. That is stochastic gradient descent (article 000).")
	fmt.Fprintln(w)
	return nil
}

// ---------------------------------------------------------------------------
// 5. Learning rates too large and too small

// tooLargeLR is far above 1, the largest rate at which SGD still converges on
// the bowl of section 2 (its curvature along y is 2, and lr must stay below 2/2).
const tooLargeLR = 10.0

// tooSmallLR barely moves the weights in an epoch.
const tooSmallLR = 1e-5

// bowlDescent runs SGD on the bowl of section 2 until the loss is not a
// finite number or steps run out, and returns nn.CheckLoss's verdict.
func bowlDescent(lr float64, steps int) error {
	opt := &nn.SGD{LR: lr}
	p := &nn.Param{Name: "xy", Value: nn.RowVector(raceStart[0], raceStart[1]), Grad: nn.New(1, 2)}
	for s := 1; s <= steps; s++ {
		x, y := p.Value[0][0], p.Value[0][1]
		p.Grad[0][0], p.Grad[0][1] = bowlGrad(x, y)
		opt.Step([]*nn.Param{p})
		if err := nn.CheckLoss(bowl(p.Value[0][0], p.Value[0][1]), s, lr); err != nil {
			return err
		}
	}
	return nil
}

func badRates(w io.Writer, c config, d *digits) error {
	fmt.Fprintln(w, "== 5. Learning rate too large, too small ==")
	fmt.Fprintln(w)
	fmt.Fprintf(w, "SGD with lr %g on the bowl of section 2 (any lr above 1 is too large there):\n", tooLargeLR)
	err := bowlDescent(tooLargeLR, 1000)
	var diverged *nn.DivergedError
	switch {
	case errors.As(err, &diverged):
		fmt.Fprintf(w, "  %v\n", err)
	case err != nil:
		return err
	default:
		fmt.Fprintln(w, "  no divergence within 1000 steps")
	}
	fmt.Fprintln(w, "Each step overshoots the valley floor by more than it started from (y ← y − 10·2y")
	fmt.Fprintln(w, "= −19y), so the loss grows 361-fold per step until it overflows. Training checks")
	fmt.Fprintln(w, "every loss (nn.CheckLoss) and stops with one line instead of printing NaN tables.")
	fmt.Fprintln(w, "The digit network fails differently: its log-space softmax keeps the loss finite,")
	fmt.Fprintln(w, "and too large a rate kills its ReLUs instead (section 6).")
	fmt.Fprintln(w)

	t := nn.OneHot(d.trainLabels, 10)
	before := newNet(c.seed).Loss(d.trainX, t)
	small, err := train(c.seed, d, &nn.SGD{LR: tooSmallLR}, tooSmallLR, c.batch, 1)
	if err != nil {
		return err
	}
	good, err := train(c.seed, d, &nn.SGD{LR: 0.1}, 0.1, c.batch, 1)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Loss on the %s training digits before and after one epoch (%d steps) of SGD:\n",
		nn.Thousands(d.trainX.Rows()), small.updates)
	row(w, "  %-8s %-8s %-8s %s", "lr", "before", "after", "change")
	for _, r := range []struct {
		lr  float64
		res *result
	}{{tooSmallLR, small}, {0.1, good}} {
		after := r.res.net.Loss(d.trainX, t)
		row(w, "  %-8g %-8.4f %-8.4f %+.4f", r.lr, before, after, after-before)
	}
	fmt.Fprintln(w, "Too small a rate fails quietly: nothing is wrong except that nothing happens.")
	fmt.Fprintln(w)
	return nil
}

// ---------------------------------------------------------------------------
// 6. The silent failure

// deadLR is a learning rate too large for this network that still keeps
// every number finite: the failure it causes raises no error.
const deadLR = 3.0

func silentFailure(w io.Writer, c config, d *digits) error {
	fmt.Fprintln(w, "== 6. The silent failure: training runs, accuracy stays at chance ==")
	fmt.Fprintln(w)
	r, err := train(c.seed, d, &nn.SGD{LR: deadLR}, deadLR, c.batch, c.epochs)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "The same network, data and batches as section 3, with SGD at lr %g. No error, no NaN:\n", deadLR)
	epochHeader(w, fmt.Sprintf("  %-9s %-6s", "optimiser", "lr"), fmt.Sprintf("  %-9s %-6s", "", ""), c.epochs, "acc")
	row(w, "  %-9s %-6g%s", "SGD", deadLR, epochCells(r))
	acc := r.acc[len(r.acc)-1]
	dead, width := deadUnits(r.net, d.testX)
	fmt.Fprintf(w, "%d of the %d hidden ReLU units output 0 for every held-out digit: they are dead.\n", dead, width)
	fmt.Fprintln(w, "A dead unit passes no gradient back (ReLU' = 0), so nothing can revive it; with")
	fmt.Fprintln(w, "them gone the output no longer depends on the image, and the network guesses.")
	if nn.AtChance(acc, 10) {
		fmt.Fprintf(w, "  %s\n", nn.ChanceHint(acc, 10, deadLR))
	} else {
		fmt.Fprintf(w, "  (this time it escaped: accuracy %s)\n", percent(acc))
	}
	fmt.Fprintln(w, "The loss is the clue: about ln 10 = 2.3026, the loss of a uniform guess. Check")
	fmt.Fprintln(w, "accuracy against chance after the first epoch, not after the last.")
	return nil
}

// deadUnits counts the hidden units of a one-hidden-layer ReLU net that are
// 0 for every row of x.
func deadUnits(net *nn.MLP, x nn.Matrix) (dead, width int) {
	first := net.Dense()[0]
	h := nn.AddRow(nn.Dot(x, first.W), first.B)
	width = h.Cols()
	for j := range width {
		alive := false
		for i := range h {
			if h[i][j] > 0 {
				alive = true
				break
			}
		}
		if !alive {
			dead++
		}
	}
	return dead, width
}
