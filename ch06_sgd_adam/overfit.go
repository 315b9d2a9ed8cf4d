package main

import (
	"fmt"
	"io"

	"nnfromscratch/internal/cli"
	"nnfromscratch/nn"
)

// ---------------------------------------------------------------------------
// 9. Overfitting and its cures

// The overfitting runs: Adam at article 001's rate on the 300 digits, long
// enough to learn every one of them by heart.
const (
	overfitLR       = 0.001
	overfitEpochs   = 60
	overfitEvery    = 3  // epochs between evaluations
	overfitPatience = 10 // epochs without a lower validation loss before early stopping stops
)

// cure is one way of training the small set.
type cure struct {
	name, short string  // in the table, in a figure's legend
	decay       float64 // λ of L2 weight decay
	dropout     float64 // drop rate after every hidden activation
}

var cures = []cure{
	{"none", "none", 0, 0},
	{"weight decay λ 0.01", "λ 0.01", 0.01, 0},
	{"weight decay λ 0.1", "λ 0.1", 0.1, 0},
	{"dropout 0.2", "dropout 0.2", 0, 0.2},
	{"λ 0.01 and dropout 0.2", "λ 0.01 + dropout", 0.01, 0.2},
}

// overfitRun trains the digit network on train with the cure k.
func overfitRun(seed uint64, train, val *digitSet, k cure, epochs, every, patience int) (*fitted, error) {
	net, err := buildNet(seed, nn.Architecture{Sizes: deepSizes, Activation: "relu", Dropout: k.dropout})
	if err != nil {
		return nil, err
	}
	opt := nn.NewAdam(overfitLR)
	net.SetWeightDecay(k.decay, opt) // Adam is not AdamW: λ goes into the loss and its gradient
	r, err := fit(seed, net, opt, train, val, fitting{epochs: epochs, evalEvery: every, trainToo: true, patience: patience})
	if err == nil && r.diverged != nil {
		err = fmt.Errorf("section 9, %s: %w", k.name, r.diverged)
	}
	return r, err
}

func overfitSection(w io.Writer, c config, d *part2Digits, _ *sharedRuns) ([]cli.Figure, error) {
	fmt.Fprintln(w, "== 9. Overfitting, and what helps against it ==")
	fmt.Fprintln(w)
	steps := overfitEpochs * ((smallN + part2Batch - 1) / part2Batch)
	fmt.Fprintf(w, "Only the first %d training digits; the network of section 7 (He's start); Adam lr %g,\n", smallN, overfitLR)
	fmt.Fprintf(w, "%d epochs (%d steps). Accuracy on the %d digits it trains on and on the %s validation\n",
		overfitEpochs, steps, smallN, nn.Thousands(d.val.len()))
	fmt.Fprintf(w, "digits it never sees, every %d epochs:\n", overfitEvery)
	var runs []*fitted
	for _, k := range cures {
		patience := 0
		if k.name == "none" {
			patience = overfitPatience
		}
		r, err := overfitRun(c.seed, d.small, d.val, k, overfitEpochs, overfitEvery, patience)
		if err != nil {
			return nil, err
		}
		runs = append(runs, r)
	}
	plain := runs[0]
	ascii := nn.Plot{Title: "No cure: accuracy on the training digits (*) and the validation digits (o)",
		XLabel: "epoch", YLabel: "accuracy", XMin: 0, XMax: overfitEpochs, YMin: 0, YMax: 1}
	ascii.Series = accuracySeries(plain, "")
	if err := ascii.ASCII(w, 60, 12); err != nil {
		return nil, err
	}
	lowest := plain.evals[0]
	for _, e := range plain.evals {
		if e.valLoss < lowest.valLoss {
			lowest = e
		}
	}
	end := plain.last()
	fmt.Fprintf(w, "At the end: %s of the training digits right, %s of the others: a gap of %.1f points.\n",
		percent(end.trainAcc), percent(end.valAcc), 100*(end.trainAcc-end.valAcc))
	fmt.Fprintf(w, "The loss tells it too: on the training digits it falls to %.4f; on the others it is\n", end.trainLoss)
	fmt.Fprintf(w, "lowest at epoch %d (%.4f) and then climbs to %.4f, as the network grows sure of answers\n",
		lowest.epoch, lowest.valLoss, end.valLoss)
	fmt.Fprintln(w, "it has only memorised.")
	fmt.Fprintln(w)

	// The more-data row: the same number of steps on all the training digits.
	perEpoch := (d.train.len() + part2Batch - 1) / part2Batch
	moreEpochs := max(1, (steps+perEpoch/2)/perEpoch) // as many steps, to the nearest epoch
	more, err := overfitRun(c.seed, d.train, d.val, cures[0], moreEpochs, 0, 0)
	if err != nil {
		return nil, err
	}
	n := d.val.len()
	fmt.Fprintln(w, "The cures, trained the same way (gap = train acc − val acc, in points; losses without")
	fmt.Fprintln(w, "weight decay's penalty):")
	row(w, "  %-30s %-10s %-8s %-6s %-11s %-9s %s", "cure", "train acc", "val acc", "gap", "train loss", "val loss", "all 300 right")
	for i, k := range cures {
		overfitRow(w, k.name, runs[i])
	}
	overfitRow(w, fmt.Sprintf("none, %s digits, %d steps", nn.Thousands(d.train.len()), moreEpochs*perEpoch), more)
	fmt.Fprintf(w, "(val acc ±%.1f points: its standard error on %s digits near %s)\n",
		100*stdError(end.valAcc, n), nn.Thousands(n), percent(end.valAcc))
	fmt.Fprintln(w, "Weight decay adds ½λ‖W‖² to the loss, so λ·W to every weight's gradient: large")
	fmt.Fprintln(w, "weights cost something, and confident answers need large weights. Dropout zeroes a")
	fmt.Fprintln(w, "random fifth of the hidden units at every step (and scales the rest by 1/0.8), none at")
	fmt.Fprintln(w, "inference. Both make memorising harder; neither adds knowledge. The last row, about")
	fmt.Fprintln(w, "as many steps on more digits, shows what does.")
	fmt.Fprintln(w)

	// Early stopping, on the run without a cure.
	fmt.Fprintf(w, "Early stopping (no cure): stop once %d epochs bring no lower validation loss, and keep\n", overfitPatience)
	fmt.Fprintln(w, "the weights of the lowest (best := net.Clone() once, best.CopyFrom(net) at each new low):")
	if plain.stopEpoch == 0 {
		fmt.Fprintf(w, "  the validation loss kept falling: no stop within %d epochs\n", overfitEpochs)
	} else {
		keptLoss, keptAcc, err := score(plain.best, d.val)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(w, "  it stops at epoch %d of %d and keeps epoch %d: val loss %.4f, val acc %s\n",
			plain.stopEpoch, overfitEpochs, plain.bestEpoch, keptLoss, percent(keptAcc))
		fmt.Fprintf(w, "  (trained on to epoch %d instead:                val loss %.4f, val acc %s)\n",
			overfitEpochs, end.valLoss, percent(end.valAcc))
	}
	fmt.Fprintln(w, "The best of many validation measurements flatters a little: it was chosen on those")
	fmt.Fprintln(w, "digits. Only digits that chose nothing can say how good the network is (section 10).")
	fmt.Fprintln(w)

	acc := &nn.Plot{Title: fmt.Sprintf("%d training digits: accuracy on them (dashed) and on 1,000 others", smallN),
		XLabel: "epoch", YLabel: "accuracy", XMin: 0, XMax: overfitEpochs, YMin: 0, YMax: 1}
	loss := &nn.Plot{Title: fmt.Sprintf("%d training digits: loss on them (dashed) and on 1,000 others", smallN),
		XLabel: "epoch", YLabel: "mean cross-entropy", XMin: 0, XMax: overfitEpochs, YMin: 0, YMax: 2.4}
	for i, k := range cures {
		for j, s := range accuracySeries(runs[i], k.short) {
			s.Color = nn.Palette[i]
			if j == 0 {
				s.Dashed, s.Name = true, ""
			}
			acc.Series = append(acc.Series, s)
		}
		for j, s := range lossSeriesByEval(runs[i], k.short) {
			s.Color = nn.Palette[i]
			if j == 0 {
				s.Dashed, s.Name = true, ""
			}
			loss.Series = append(loss.Series, s)
		}
	}
	return []cli.Figure{{Name: overfitFile, SVG: acc.SVG}, {Name: overfitLossFile, SVG: loss.SVG}}, nil
}

// accuracySeries returns a run's training and validation accuracy over the
// epochs; name, if set, names the validation curve.
func accuracySeries(r *fitted, name string) []nn.Series {
	train, val := nn.Series{}, nn.Series{Name: name}
	for _, e := range r.evals {
		train.X, train.Y = append(train.X, float64(e.epoch)), append(train.Y, e.trainAcc)
		val.X, val.Y = append(val.X, float64(e.epoch)), append(val.Y, e.valAcc)
	}
	return []nn.Series{train, val}
}

// lossSeriesByEval returns a run's training and validation loss over the
// epochs; name names the validation curve.
func lossSeriesByEval(r *fitted, name string) []nn.Series {
	train, val := nn.Series{}, nn.Series{Name: name}
	for _, e := range r.evals {
		train.X, train.Y = append(train.X, float64(e.epoch)), append(train.Y, e.trainLoss)
		val.X, val.Y = append(val.X, float64(e.epoch)), append(val.Y, e.valLoss)
	}
	return []nn.Series{train, val}
}

// overfitRow prints one row of the cures' table.
func overfitRow(w io.Writer, name string, r *fitted) {
	e := r.last()
	at := "never"
	for _, ev := range r.evals {
		if ev.trainAcc == 1 {
			at = fmt.Sprintf("epoch %d", ev.epoch)
			break
		}
	}
	if len(r.evals) == 1 { // a run evaluated only at its end (the more-data row)
		at = "-"
	}
	row(w, "  %-30s %-10s %-8s %-6.1f %-11.4f %-9.4f %s", name, percent(e.trainAcc), percent(e.valAcc),
		100*(e.trainAcc-e.valAcc), e.trainLoss, e.valLoss, at)
}
