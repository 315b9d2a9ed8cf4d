package main

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"

	"nnfromscratch/internal/cli"
	"nnfromscratch/nn"
)

// ---------------------------------------------------------------------------
// 10. Choosing settings on validation digits, then testing once

// part2SearchStream is the second word of the seed of the search's draws.
const part2SearchStream = 74

// The random search: each trial draws lr = 10^u and λ = 10^v, with u and v
// uniform in these ranges (log scales), and trains searchEpochs epochs.
var (
	searchLR    = [2]float64{-4, -2}
	searchDecay = [2]float64{-5, -1}
)

// trial is one setting the search tried and how it did on validation.
type trial struct {
	index     int
	lr, decay float64
	result    evaluation
}

func validationSection(w io.Writer, c config, d *part2Digits, _ *sharedRuns) ([]cli.Figure, error) {
	trials, epochs := 10, 20
	if c.full {
		trials, epochs = 30, overfitEpochs
	}
	fmt.Fprintln(w, "== 10. Choosing settings honestly: validation digits, then one test ==")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Section 9 chose λ by hand. To choose settings, try them, score each on digits the")
	fmt.Fprintln(w, "network does not train on (the 1,000 validation digits, carved from the training set),")
	fmt.Fprintln(w, "keep the best, and look at the test digits once, at the end. A random search draws")
	fmt.Fprintln(w, "each setting on a log scale, so that every power of ten gets its share of trials:")
	fmt.Fprintf(w, "  lr = 10^u, u uniform in [%g, %g];   λ = 10^v, v uniform in [%g, %g]\n",
		searchLR[0], searchLR[1], searchDecay[0], searchDecay[1])
	fmt.Fprintf(w, "%d trials on the %d digits of section 9, each %d epochs of Adam from the same start,\n", trials, smallN, epochs)
	fmt.Fprintln(w, "sorted by validation accuracy:")
	rng := rand.New(rand.NewPCG(c.seed, part2SearchStream))
	var ts []trial
	for k := range trials {
		t := trial{index: k + 1,
			lr:    math.Pow(10, searchLR[0]+(searchLR[1]-searchLR[0])*rng.Float64()),
			decay: math.Pow(10, searchDecay[0]+(searchDecay[1]-searchDecay[0])*rng.Float64())}
		r, err := searchRun(c.seed, d.small, d.val, t.lr, t.decay, epochs)
		if err != nil {
			return nil, err
		}
		t.result = r.last()
		ts = append(ts, t)
	}
	slices.SortStableFunc(ts, func(a, b trial) int {
		switch {
		case a.result.valAcc > b.result.valAcc:
			return -1
		case a.result.valAcc < b.result.valAcc:
			return 1
		}
		return 0
	})
	row(w, "  %-6s %-9s %-9s %-10s %-8s %s", "trial", "lr", "λ", "train acc", "val acc", "val loss")
	for _, t := range ts {
		row(w, "  %-6d %-9s %-9s %-10s %-8s %.4f", t.index, sig2(t.lr), sig2(t.decay),
			percent(t.result.trainAcc), percent(t.result.valAcc), t.result.valLoss)
	}
	n := d.val.len()
	best := ts[0]
	fmt.Fprintf(w, "(val acc ±%.1f points near %s: trials closer than that are a tie)\n",
		100*stdError(best.result.valAcc, n), percent(best.result.valAcc))
	fmt.Fprintln(w)

	// The chosen setting, trained for the full budget, then tested once.
	r, err := searchRun(c.seed, d.small, d.val, best.lr, best.decay, overfitEpochs)
	if err != nil {
		return nil, err
	}
	_, testAcc, err := score(r.net, d.test)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "Chosen: trial %d, lr %s and λ %s. Trained again from the start for %d epochs:\n",
		best.index, sig2(best.lr), sig2(best.decay), overfitEpochs)
	fmt.Fprintf(w, "  validation accuracy %s\n", percent(r.last().valAcc))
	fmt.Fprintf(w, "  test accuracy       %s ± %.1f  (%s test digits)\n", percent(testAcc),
		100*stdError(testAcc, d.test.len()), nn.Thousands(d.test.len()))
	fmt.Fprintln(w, "The test digits were used once, for this one number, after every choice was made; no")
	fmt.Fprintln(w, "earlier section of part 2 looked at them. Had we picked the setting by its test")
	fmt.Fprintln(w, "accuracy, that accuracy would flatter it, as the best of the search flatters itself.")
	fmt.Fprintln(w)
	return nil, nil
}

// searchRun trains the digit network on train with Adam at lr and L2 weight
// decay λ for epochs epochs.
func searchRun(seed uint64, train, val *digitSet, lr, decay float64, epochs int) (*fitted, error) {
	net, err := buildNet(seed, nn.Architecture{Sizes: deepSizes, Activation: "relu"})
	if err != nil {
		return nil, err
	}
	opt := nn.NewAdam(lr)
	net.SetWeightDecay(decay, opt)
	r, err := fit(seed, net, opt, train, val, fitting{epochs: epochs, trainToo: true})
	if err == nil && r.diverged != nil {
		err = fmt.Errorf("lr %g, λ %g: %w", lr, decay, r.diverged)
	}
	return r, err
}

// sig2 formats v with two significant digits: 0.0054, 3.8e-05.
func sig2(v float64) string { return fmt.Sprintf("%.2g", v) }
