package main

import (
	"fmt"
	"io"
	"math"

	"nnfromscratch/internal/cli"
	"nnfromscratch/nn"
)

// ---------------------------------------------------------------------------
// 11. Learning-rate schedules

// The schedule runs: SGD at a rate large enough to make progress fast and
// to bounce, for scheduleEpochs epochs; the loss of the first probeN
// training digits is measured every probeEvery steps.
const (
	scheduleLR     = 0.3
	scheduleEpochs = 6
	probeN         = 500
	probeEvery     = 10
)

func scheduleSection(w io.Writer, c config, d *part2Digits, _ *sharedRuns) ([]cli.Figure, error) {
	fmt.Fprintln(w, "== 11. Learning-rate schedules (nn/schedule.go) ==")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Large steps cover ground early; small steps settle into a minimum instead of bouncing")
	fmt.Fprintln(w, "around it. A schedule gives the rate of each epoch (counted from 0), and the training")
	fmt.Fprintln(w, "loop sets it before the epoch: opt.SetLearningRate(schedule.At(epoch)).")
	fmt.Fprintln(w, "  constant  lr throughout")
	fmt.Fprintln(w, "  step      lr·0.5^⌊epoch/every⌋, halved every ⌈epochs/4⌉ epochs   (nn.StepDecay)")
	fmt.Fprintln(w, "  cosine    lr·(1 + cos(π·epoch/epochs))/2, from lr towards 0    (nn.Cosine)")
	fmt.Fprintf(w, "SGD from lr %g, %d epochs on the %s training digits, the network and start of 7b.\n",
		scheduleLR, scheduleEpochs, nn.Thousands(d.train.len()))
	fmt.Fprintf(w, "Two loss curves: the mean loss of every few batches, as in section 3, and the loss of\n")
	fmt.Fprintf(w, "a fixed %d of the training digits, measured every %d steps, which changes only when\n", probeN, probeEvery)
	fmt.Fprintln(w, "the weights do. \"Wobble\" is the mean change from one point of a curve to the next")
	fmt.Fprintln(w, "during the last epoch.")
	probe := &digitSet{x: d.train.x[:probeN], labels: d.train.labels[:probeN], t: d.train.t[:probeN]}
	head := fmt.Sprintf("  %-9s", "schedule")
	for e := range scheduleEpochs {
		head += fmt.Sprintf(" %-6s", fmt.Sprintf("lr %d", e))
	}
	row(w, "%s %-9s %-9s %-9s %s", head, "wobble:", "wobble:", "loss of", "val acc")
	row(w, "  %-*s %-9s %-9s %-9s", 9+7*scheduleEpochs, "", "batches", "fixed", "the fixed")
	plot := &nn.Plot{Title: fmt.Sprintf("Loss of %d fixed training digits, SGD from lr %g", probeN, scheduleLR),
		XLabel: "epoch", YLabel: "mean cross-entropy", XMin: 0, XMax: scheduleEpochs, YMin: 0, YMax: 1}
	ascii := *plot
	ascii.Title = fmt.Sprintf("The loss of the fixed %d: constant (*), step (o), cosine (+)", probeN)
	for _, name := range []string{"constant", "step", "cosine"} {
		s, err := nn.NewSchedule(name, scheduleLR, scheduleEpochs)
		if err != nil {
			return nil, err
		}
		net, err := buildNet(c.seed, nn.Architecture{Sizes: deepSizes, Activation: "relu", Init: "he"})
		if err != nil {
			return nil, err
		}
		r, err := fit(c.seed, net, &nn.SGD{LR: scheduleLR}, d.train, d.val,
			fitting{epochs: scheduleEpochs, schedule: s, probe: probe, probeStep: probeEvery})
		if err != nil {
			return nil, err
		}
		if r.diverged != nil {
			return nil, fmt.Errorf("section 11, %s: %w", name, r.diverged)
		}
		line := fmt.Sprintf("  %-9s", name)
		for e := range scheduleEpochs {
			line += fmt.Sprintf(" %-6.3g", s.At(e))
		}
		row(w, "%s %-9.4f %-9.4f %-9.4f %s", line, lastEpochWobble(r.curveX, r.curveY, scheduleEpochs),
			lastEpochWobble(r.probeX, r.probeY, scheduleEpochs), r.probeY[len(r.probeY)-1], percent(r.last().valAcc))
		series := nn.Series{Name: name, X: r.probeX, Y: r.probeY}
		plot.Series = append(plot.Series, series)
		series.Name = ""
		ascii.Series = append(ascii.Series, series)
	}
	fmt.Fprintln(w)
	if err := ascii.ASCII(w, 60, 12); err != nil {
		return nil, err
	}
	fmt.Fprintln(w, "With a constant rate the loss of the fixed digits jumps up and down to the end: each")
	fmt.Fprintln(w, "step overshoots the minimum it is heading for. As the scheduled rates shrink, so do")
	fmt.Fprintln(w, "the jumps. The batch curve gets calmer too, but less: much of its wobble is the")
	fmt.Fprintln(w, "batches themselves, some easier than others, whatever the rate.")
	fmt.Fprintln(w)
	return []cli.Figure{{Name: scheduleFile, SVG: plot.SVG}}, nil
}

// lastEpochWobble is the mean |y[i] − y[i−1]| over the points of a curve
// that lie in its last epoch (x above epochs − 1).
func lastEpochWobble(x, y []float64, epochs int) float64 {
	sum, n := 0.0, 0
	for i := 1; i < len(x); i++ {
		if x[i-1] > float64(epochs-1) {
			sum += math.Abs(y[i] - y[i-1])
			n++
		}
	}
	return sum / float64(n)
}
