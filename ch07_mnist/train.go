package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"nnfromscratch/internal/cli"
	"nnfromscratch/nn"
)

// seedStream is the second half of the random generator's seed: -seed picks
// the first.
const seedStream = 7

// newRand is the run's one source of randomness: the initial weights, then
// the shuffles.
func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seedStream)) }

// newNetwork builds the network -layers, -act, -batchnorm, -dropout and
// -init ask for, with its initial weights drawn from the run's random
// source, and the optimiser -opt and -lr ask for, with -weight-decay where
// it belongs for that optimiser (nn.MLP.SetWeightDecay). The source is
// returned too: the shuffles draw from it next.
func newNetwork(cfg *config) (*nn.MLP, nn.Optimizer, *rand.Rand, error) {
	rng := newRand(cfg.seed)
	net, err := nn.Build(nn.Architecture{Sizes: cfg.layers, Activation: cfg.act, Init: cfg.init,
		BatchNorm: cfg.batchNorm, Dropout: cfg.dropout}, rng)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("-layers: %v", err)
	}
	opt, err := nn.NewOptimizer(cfg.opt, cfg.lr)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("-opt: %v", err)
	}
	net.SetWeightDecay(cfg.weightDecay, opt)
	return net, opt, rng, nil
}

// train is the whole of learning, on one screen. Each epoch deals the
// training images out in a new random order, a mini-batch at a time; for
// each batch the network computes its guesses and their loss (forward), the
// gradient of the loss with respect to every weight (backward), and moves
// every weight a little against its gradient (step). After each epoch it is
// measured on images it never trains on: the validation images.
//
// Around that loop, what trains it well: a learning rate set each epoch by
// -schedule, the training images distorted anew each epoch under -augment,
// and under -patience the best epoch's weights kept and training stopped
// once the validation accuracy has not improved for that many epochs.
//
// Everything else — timing, the progress line, the table, the curves — is
// the meter's job (meter.go). Nothing here allocates per batch: the batch
// matrices, the layers' buffers and the optimiser's state are all made once.
//
// Between two batches the loop looks at ctx: after Ctrl-C it stops there and
// returns where it stopped, leaving the network as the last step left it.
func train(ctx context.Context, net *nn.MLP, opt nn.Optimizer, d *splits, cfg *config, aug *augmentation, rng *rand.Rand, m *meter) (*interruption, error) {
	tr, held := d.train, d.heldOut(cfg)
	// A batch larger than the training set is the whole set: the buffers
	// need be no larger.
	batches := nn.NewBatches(tr.x, tr.labels, net.Sizes[len(net.Sizes)-1], min(cfg.batch, tr.x.Rows()), rng)
	schedule := newSchedule(cfg) // nil: the same rate throughout
	var early *earlyStopping
	if cfg.patience > 0 {
		early = &earlyStopping{patience: cfg.patience, best: net.Clone()}
	}
	step := 0
	for epoch := 1; epoch <= cfg.epochs; epoch++ {
		if schedule != nil {
			opt.SetLearningRate(schedule.At(epoch - 1)) // schedules count epochs from 0
		}
		batches.Epoch() // shuffle: a new order every epoch
		m.startEpoch(epoch, batches.PerEpoch(), opt.LearningRate())
		if aug != nil {
			aug.epoch(net, tr, epoch) // this epoch's distortion of every training image
		}
		for {
			x, t, labels, ok := batches.Next() // x: batch×784 pixels, t: batch×10 one-hot targets
			if !ok {
				break
			}
			select {
			case <-ctx.Done(): // Ctrl-C, SIGTERM, a broken pipe: stop before this batch
				m.abandonEpoch()
				if !finiteWeights(net) { // (overflowing scores are caught by finalEvaluation)
					return nil, overflowed(cfg, step)
				}
				return &interruption{epoch, cfg.epochs, m.batches, m.perEpoch, step, cli.Cause(ctx)}, nil
			default:
			}
			loss := net.Loss(x, t) // forward: scores → softmax → mean cross-entropy
			net.Backward()         // backward: ∂loss/∂w for every weight and bias
			opt.Step(net.Params()) // step: w ← w − (the optimiser's move)
			step++
			if err := nn.CheckLoss(loss, step, opt.LearningRate()); err != nil {
				m.stopClock()                  // and wipe the progress line
				return nil, diverged(cfg, err) // NaN or Inf: the weights blew up
			}
			m.batchDone(loss, net.Head.P, labels) // the probabilities the forward pass gave
		}
		m.stopClock() // evaluation is not training time
		// The last step of the epoch may have sent the weights so far that
		// the network's scores overflow, before any loss could show it:
		// look before printing anything.
		if !finiteWeights(net) {
			return nil, overflowed(cfg, step)
		}
		accuracy := m.epochAccuracy() // on the training batches, when nothing is held out
		if held != nil {
			ev, err := evaluate(net, held) // on the held-out images
			if err != nil {
				return nil, overflowed(cfg, step)
			}
			accuracy = ev.accuracy()
		}
		m.epochDone(accuracy)
		if early != nil && early.after(epoch, accuracy, net) && epoch < cfg.epochs {
			m.stoppedEarly = epoch
			break
		}
	}
	if early != nil && early.epoch > 0 {
		net.CopyFrom(early.best) // the best epoch's weights
		m.kept = early.epoch
	}
	return nil, nil
}

// earlyStopping keeps the weights of the epoch with the best validation
// accuracy so far, and says when patience epochs in a row have not beaten
// it.
type earlyStopping struct {
	patience int
	best     *nn.MLP // a copy of the network at its best epoch (nn.MLP.Clone, made once)
	epoch    int     // that epoch; 0 before the first
	accuracy float64 // its validation accuracy
}

// after looks at the epoch just finished: a better validation accuracy
// than any before is kept (best.CopyFrom(net): the weights, the batch
// normalisation statistics, the input's standardisation); it returns true
// when it is time to stop.
func (e *earlyStopping) after(epoch int, accuracy float64, net *nn.MLP) bool {
	if e.epoch == 0 || accuracy > e.accuracy {
		e.best.CopyFrom(net)
		e.epoch, e.accuracy = epoch, accuracy
	}
	return epoch-e.epoch >= e.patience
}

// interruption says where a signal (or an output that failed) stopped a
// training run, and which.
type interruption struct {
	epoch, epochs   int // the epoch under way, of how many
	batch, perEpoch int // the batches done in it, of how many
	steps           int // the optimiser's steps taken in all
	cause           *cli.Stopped
}

func (s *interruption) String() string {
	return fmt.Sprintf("%s during epoch %d (batch %d of %d)", s.cause.What, s.epoch, s.batch, s.perEpoch)
}

// overflowed is the error of a run whose weights or scores left the
// numbers, though the last loss computed was still finite.
func overflowed(cfg *config, step int) error {
	return diverged(cfg, &nn.DivergedError{Step: step, LR: cfg.lr, Weights: true})
}

// divergedError is nn's DivergedError said for this program: with the -lr
// to try.
type divergedError struct {
	msg string
	err *nn.DivergedError
}

func (e *divergedError) Error() string { return e.msg }
func (e *divergedError) Unwrap() error { return e.err }

// diverged turns the *nn.DivergedError err into the run's error line.
func diverged(cfg *config, err error) error {
	var d *nn.DivergedError
	if !errors.As(err, &d) {
		return err
	}
	what := fmt.Sprintf("the loss became %v", d.Loss)
	if d.Weights {
		what = "the weights overflowed"
	}
	return &divergedError{fmt.Sprintf("-lr %g: training diverged: %s at step %d; the learning rate %g is too large for %s: try -lr %g",
		cfg.lr, what, d.Step, cfg.lr, cfg.opt, smallerLR(cfg)), d}
}

// steadyLR is, for each optimiser, a learning rate it learns with on these
// networks and digits: momentum's and adam's are the presets' (default,
// article001 and article002), the others were tried the same way
// (TestSuggestedRates trains with each).
var steadyLR = map[string]float64{"sgd": 0.1, "momentum": 0.05, "adagrad": 0.01, "rmsprop": 0.001, "adam": 0.001, "adamw": 0.001}

// goodLR is a learning rate known to work for the run's recipe: the
// preset's own when the run keeps its network, activation and optimiser,
// and otherwise steadyLR's for the optimiser.
func goodLR(cfg *config) float64 {
	if recipe(cfg) {
		return cfg.preset.lr
	}
	return steadyLR[cfg.opt]
}

// recipe reports whether the run trains its preset's network (with or
// without batch normalisation, as the preset), activation and optimiser,
// whose learning rate is known to work.
func recipe(cfg *config) bool {
	p := cfg.preset
	return p != nil && cfg.opt == p.opt && cfg.act == p.act && slices.Equal(cfg.layers, p.layers) && cfg.batchNorm == p.batchNorm
}

// smallerLR is the -lr to suggest after a run whose learning rate was too
// large: one known to work, or a tenth of the run's if that was smaller
// still.
func smallerLR(cfg *config) float64 {
	if good := goodLR(cfg); good > 0 && good < cfg.lr {
		return good
	}
	return cfg.lr / 10
}

// finiteWeights reports whether every weight and bias of net is a number,
// not NaN or ±Inf.
func finiteWeights(net *nn.MLP) bool {
	for _, p := range net.Params() {
		for _, row := range p.Value {
			for _, v := range row {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return false
				}
			}
		}
	}
	return true
}

// finalEvaluation is the trained network's verdict on the test images. train
// has checked them after every epoch, so only a run cut short by Ctrl-C can
// fail here, if its last step sent the scores beyond the numbers.
func finalEvaluation(net *nn.MLP, te *split, cfg *config, stopped *interruption) (*evaluation, error) {
	ev, err := evaluate(net, te)
	if err != nil {
		steps := 0
		if stopped != nil {
			steps = stopped.steps
		}
		return nil, overflowed(cfg, steps)
	}
	return ev, nil
}
