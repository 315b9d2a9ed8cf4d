package main

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"

	"nnfromscratch/data"
	"nnfromscratch/internal/cli"
	"nnfromscratch/nn"
)

// Part 2, training well: where the weights start (section 7), batch
// normalisation (8), overfitting and its cures (9), choosing settings on
// validation digits (10), learning-rate schedules (11) and standardised
// inputs (12). This file holds what the six sections share: the digits they
// use and the training loop they all run.

// The second words of the PCG seeds of part 2: the initial weights, the batch
// order, and everything else random (the random inputs of section 7, the
// trials of section 10).
const (
	part2NetStream   = 71
	part2BatchStream = 72
	part2MiscStream  = 73
)

// deepSizes is the digit network of part 2: four hidden layers, deep enough
// for the start to matter, and 32 units wide, narrow enough for the whole of
// part 2 to take seconds (and its golden test minutes, not ten, on an
// emulated arm64).
var deepSizes = []int{784, 32, 32, 32, 32, 10}

// part2Batch is the mini-batch size of every run of part 2.
const part2Batch = 50

// digitSet is a set of digits as a network reads them.
type digitSet struct {
	x      nn.Matrix // one image per row, pixels ÷ 255
	labels []int
	t      nn.Matrix // the labels one-hot
	pixels []byte    // the raw bytes, for standardisation (section 12)
}

func newDigitSet(s *data.Set) *digitSet {
	return digitsFrom(s, nn.Standardization{})
}

// digitsFrom turns s into a digitSet with the pixel conversion in: ÷255 for
// the zero value, standardised otherwise.
func digitsFrom(s *data.Set, in nn.Standardization) *digitSet {
	labels := nn.Labels(s.Labels)
	return &digitSet{x: in.FromPixels(s.Images, s.Rows*s.Cols), labels: labels, t: nn.OneHot(labels, 10), pixels: s.Images}
}

func (d *digitSet) len() int { return len(d.labels) }

// part2Digits are the digits of part 2. Validation digits are carved from the
// training digits of the sample, never trained on; the test digits are
// touched once, at the end of section 10.
type part2Digits struct {
	train *digitSet // training digits 1–2,000 (-full: 1–7,000)
	small *digitSet // the first 300 of them: too few, for overfitting
	val   *digitSet // training digits 7,001–8,000, held out for validation
	test  *digitSet // test digits 501–2,000, which part 1 does not use

	sets map[string]*data.Set // the same digits as bytes, for section 12
}

// smallN is the number of training digits of sections 9 and 10.
const smallN = 300

func loadPart2(full bool) (*part2Digits, error) {
	train, test, err := data.SampleSplit()
	if err != nil {
		return nil, err
	}
	if train.Len() < 8000 || test.Len() < 2000 {
		return nil, fmt.Errorf("the bundled sample holds %d training and %d test digits, want 8,000 and 2,000", train.Len(), test.Len())
	}
	n := 2000
	if full {
		n = 7000
	}
	sets := map[string]*data.Set{
		"all":   train,
		"train": train.Head(n),
		"val":   train.Subset(indexes(7000, 8000)),
		"test":  test.Subset(indexes(500, 2000)),
	}
	return &part2Digits{
		train: newDigitSet(sets["train"]),
		small: newDigitSet(train.Head(smallN)),
		val:   newDigitSet(sets["val"]),
		test:  newDigitSet(sets["test"]),
		sets:  sets,
	}, nil
}

// indexes returns lo, lo+1, …, hi−1.
func indexes(lo, hi int) []int {
	idx := make([]int, 0, hi-lo)
	for i := lo; i < hi; i++ {
		idx = append(idx, i)
	}
	return idx
}

// buildNet makes the network a describes, its weights drawn from the
// chapter's seed: every run of part 2 with the same architecture starts from
// the same weights.
func buildNet(seed uint64, a nn.Architecture) (*nn.MLP, error) {
	return nn.Build(a, rand.New(rand.NewPCG(seed, part2NetStream)))
}

// fitting says how one run of part 2 trains.
type fitting struct {
	epochs    int
	schedule  nn.Schedule // the learning rate of each epoch; nil keeps the optimiser's
	evalEvery int         // epochs between evaluations on the validation digits (0: once, at the end)
	trainToo  bool        // evaluate on the training digits too
	patience  int         // > 0: early stopping, as section 9 explains
	probe     *digitSet   // if set, its loss is measured every probeStep steps (section 11)
	probeStep int
}

// evaluation is how a network does at the end of an epoch.
type evaluation struct {
	epoch              int
	trainAcc, valAcc   float64
	trainLoss, valLoss float64 // mean cross-entropy, without weight decay's penalty
}

// fitted is what one run of part 2 did.
type fitted struct {
	net            *nn.MLP
	start          float64      // loss on the training digits before the first step
	epochLoss      []float64    // mean loss of each epoch's batches
	curveX, curveY []float64    // mean loss of every few batches, x in epochs
	probeX, probeY []float64    // loss of the probe digits, x in epochs
	evals          []evaluation // every evalEvery epochs
	diverged       error        // a *nn.DivergedError, or nil

	// Early stopping (patience > 0): the epoch training would stop at, the
	// epoch of the lowest validation loss before it, and a copy of the
	// network at that epoch.
	stopEpoch, bestEpoch int
	best                 *nn.MLP
}

// fit trains net with opt on the digits train, evaluating on train and val,
// and returns what happened. A loss that is not a number stops the run; its
// error is kept in diverged, not returned, since a diverging start is one of
// the results section 7 shows.
func fit(seed uint64, net *nn.MLP, opt nn.Optimizer, train, val *digitSet, f fitting) (*fitted, error) {
	r := &fitted{net: net}
	var err error
	if r.start, _, err = score(net, train); err != nil {
		r.start = math.Inf(1) // scores too large to be numbers: as far above ln 10 as it gets
	}
	batches := nn.NewBatches(train.x, train.labels, 10, part2Batch, rand.New(rand.NewPCG(seed, part2BatchStream)))
	perEpoch := batches.PerEpoch()
	window := max(1, perEpoch/5) // batches per point of the loss curve: five points an epoch
	sum, n, steps := 0.0, 0, 0   // of the curve's current window

	bestLoss := math.Inf(1)
	if f.patience > 0 {
		r.best = net.Clone()
	}
	for epoch := range f.epochs {
		if f.schedule != nil {
			opt.SetLearningRate(f.schedule.At(epoch))
		}
		batches.Epoch()
		epochSum := 0.0
		for {
			x, t, _, ok := batches.Next()
			if !ok {
				break
			}
			loss := net.Step(x, t, opt)
			steps++
			if err := nn.CheckLoss(loss, steps, opt.LearningRate()); err != nil {
				r.diverged = err
				return r, nil
			}
			epochSum += loss
			sum, n = sum+loss, n+1
			if n == window {
				r.curveX = append(r.curveX, float64(steps)/float64(perEpoch))
				r.curveY = append(r.curveY, sum/float64(n))
				sum, n = 0, 0
			}
			if f.probe != nil && steps%f.probeStep == 0 {
				l, _, err := score(net, f.probe)
				if err != nil {
					return nil, err
				}
				r.probeX = append(r.probeX, float64(steps)/float64(perEpoch))
				r.probeY = append(r.probeY, l)
			}
		}
		r.epochLoss = append(r.epochLoss, epochSum/float64(perEpoch))
		done := epoch + 1
		if done != f.epochs && (f.evalEvery == 0 || done%f.evalEvery != 0) {
			continue
		}
		e, err := evaluate(net, train, val, f.trainToo)
		if err != nil {
			return nil, err
		}
		e.epoch = done
		r.evals = append(r.evals, e)
		// Early stopping: keep the network of the lowest validation loss
		// so far; stop once patience epochs bring nothing lower. The run
		// goes on to the end, to show what stopping would miss.
		if f.patience > 0 && r.stopEpoch == 0 {
			switch {
			case e.valLoss < bestLoss:
				bestLoss, r.bestEpoch = e.valLoss, done
				r.best.CopyFrom(net)
			case done-r.bestEpoch >= f.patience:
				r.stopEpoch = done
			}
		}
	}
	return r, nil
}

// evaluate measures accuracy and loss on the validation digits, and on the
// training digits too if trainToo.
func evaluate(net *nn.MLP, train, val *digitSet, trainToo bool) (e evaluation, err error) {
	if trainToo {
		if e.trainLoss, e.trainAcc, err = score(net, train); err != nil {
			return e, err
		}
	}
	e.valLoss, e.valAcc, err = score(net, val)
	return e, err
}

// score is the network's mean cross-entropy (without weight decay's penalty)
// and accuracy on s, from one forward pass in inference mode, nn.EvalChunk
// digits at a time. It returns nn.ErrOverflow if the scores are not numbers.
func score(net *nn.MLP, s *digitSet) (loss, acc float64, err error) {
	defer net.SetTraining(net.SetTraining(false))
	var head nn.SoftmaxCrossEntropy
	sum, right := 0.0, 0
	for lo := 0; lo < s.len(); lo += nn.EvalChunk {
		hi := min(lo+nn.EvalChunk, s.len())
		z := net.Logits(s.x[lo:hi])
		sum += head.Forward(z, s.t[lo:hi]) * float64(hi-lo)
		for i, class := range z.ArgmaxRows() {
			if class == s.labels[lo+i] {
				right++
			}
		}
	}
	loss = sum / float64(s.len())
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return loss, 0, nn.ErrOverflow
	}
	return loss, float64(right) / float64(s.len()), nil
}

// last is the run's last evaluation.
func (r *fitted) last() evaluation { return r.evals[len(r.evals)-1] }

// stdError is the standard error of an accuracy p measured on n digits,
// √(p(1 − p)/n): how much another n digits like them could move it.
func stdError(p float64, n int) float64 { return math.Sqrt(p * (1 - p) / float64(n)) }

// lossCell formats a loss for a table: four decimals, or three significant
// digits with an exponent when it is far too large for them.
func lossCell(l float64) string {
	switch {
	case math.IsInf(l, 1):
		return "overflow"
	case l >= 1000:
		return fmt.Sprintf("%.2e", l)
	}
	return fmt.Sprintf("%.4f", l)
}

// part2 runs sections 7 to 12 and returns their figures.
func part2(w io.Writer, c config) ([]cli.Figure, error) {
	d, err := loadPart2(c.full)
	if err != nil {
		return nil, err
	}
	fmt.Fprintln(w, "Part 2: training well")
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Digits of part 2, all from the bundled sample: %s for training (the first %s of its\n",
		nn.Thousands(d.train.len()), nn.Thousands(d.train.len()))
	fmt.Fprintf(w, "training digits), %s for validation (training digits 7,001–8,000, never trained on)\n", nn.Thousands(d.val.len()))
	fmt.Fprintf(w, "and %s test digits (501–2,000 of its test digits), kept for one measurement at the end.\n", nn.Thousands(d.test.len()))
	fmt.Fprintf(w, "The digit network of part 2 is %s relu, trained in mini-batches of %d.\n", nn.SizesString(deepSizes), part2Batch)
	fmt.Fprintln(w)
	var figs []cli.Figure
	shared := &sharedRuns{}
	for _, section := range []func(io.Writer, config, *part2Digits, *sharedRuns) ([]cli.Figure, error){
		initSection, batchNormSection, overfitSection, validationSection, scheduleSection, standardizeSection,
	} {
		f, err := section(w, c, d, shared)
		if err != nil {
			return nil, err
		}
		figs = append(figs, f...)
	}
	return figs, nil
}

// sharedRuns are the runs of section 7 that later sections compare with
// rather than train again: the same network, weights, batches and
// optimiser, by initialisation scheme.
type sharedRuns struct {
	byInit map[string]*fitted
}
