package main

// The sections of a training run's report that are not the training itself
// (train.go, meter.go) or its verdict (report.go): what the data and the
// network are, how the untrained network does, notes on the training, the
// summary line and the run's last word.

import (
	"fmt"
	"io"
	"strings"
	"time"

	"nnfromscratch/data"
	"nnfromscratch/nn"
)

// section prints a numbered heading.
func section(w io.Writer, n int, title string) {
	if n > 1 {
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "== %d. %s ==\n", n, title)
}

// describe prints sections 1 and 2: the data, and the network with how it
// will be trained.
func describe(w io.Writer, cfg *config, d *splits, net *nn.MLP) {
	section(w, 1, "The data")
	fmt.Fprintf(w, "%s\n", d.ds.Name)
	describeData(w, d.ds, d.train.images, d.test.images)

	section(w, 2, "The network")
	describeRecipe(w, cfg, net, d.train.x.Rows())
}

// describeData says how many images train and test, and how they become
// numbers.
func describeData(w io.Writer, ds *data.Dataset, tr, te *data.Set) {
	if tr.Len() < ds.Train.Len() || te.Len() < ds.Test.Len() {
		fmt.Fprintf(w, "using the first %s of the %s training images and the first %s of the %s test images\n",
			nn.Thousands(tr.Len()), nn.Thousands(ds.Train.Len()), nn.Thousands(te.Len()), nn.Thousands(ds.Test.Len()))
	}
	fmt.Fprintf(w, "Each %d×%d image becomes a row of %d numbers, its pixels ÷ 255 (0 background, 1 full ink);\n",
		te.Rows, te.Cols, te.Rows*te.Cols)
	example := min(3, ds.Classes-1)
	fmt.Fprintf(w, "each label becomes a one-hot row of %d (%d → %s).\n", ds.Classes, example, oneHotText(example, ds.Classes))
}

func oneHotText(label, classes int) string {
	parts := make([]string, classes)
	for i := range parts {
		parts[i] = "0"
	}
	parts[label] = "1"
	return strings.Join(parts, " ")
}

// describeRecipe prints the network and how it will be trained.
func describeRecipe(w io.Writer, cfg *config, net *nn.MLP, trainImages int) {
	fmt.Fprintf(w, "preset     %s: %s\n", cfg.preset.name, strings.ReplaceAll(cfg.preset.what, "\n", "\n           "))
	if changed := cfg.changed(); len(changed) > 0 {
		fmt.Fprintf(w, "changed    %s, given on the command line\n", strings.Join(changed, ", "))
	}
	fmt.Fprintf(w, "network    %s, softmax + cross-entropy on top\n", net)
	batch := min(cfg.batch, trainImages) // a batch larger than the set is the whole set
	perEpoch := (trainImages + batch - 1) / batch
	fmt.Fprintf(w, "training   %s lr %g, batches of %d (%s steps per epoch), %d epochs, seed %d\n",
		cfg.opt, cfg.lr, cfg.batch, nn.Thousands(perEpoch), cfg.epochs, cfg.seed)
}

// beforeTraining prints section 3, the untrained network's accuracy beside
// chance (and the article's, when the preset has it), and returns it: the
// first point of the accuracy curve.
func beforeTraining(w io.Writer, cfg *config, d *splits, net *nn.MLP) float64 {
	section(w, 3, "Before training")
	initial := net.Accuracy(d.test.x, d.test.labels)
	fmt.Fprintf(w, "initial accuracy %.4f on the %s test images: chance is %.4f, one right guess in %d.\n",
		initial, nn.Thousands(d.test.x.Rows()), 1/float64(d.ds.Classes), d.ds.Classes)
	if p := cfg.preset; len(p.reported) > 0 {
		fmt.Fprintf(w, "(%s printed %.4f here: its untrained network guessed just as blindly.)\n", articleOf(p), p.reported[0])
	}
	return initial
}

// trainingNotes follows the epoch table: where Ctrl-C stopped the run, the
// time per epoch, and the article's setting when its numbers were shown
// beside ours.
func trainingNotes(w io.Writer, cfg *config, m *meter, stopped *interruption) {
	if stopped != nil {
		fmt.Fprintf(w, "%s: stopping\n", stopped)
	}
	if len(m.epochLoss) > 0 {
		fmt.Fprintf(w, "Training took %s seconds per epoch (the steps only: loading and evaluating not counted).\n",
			m.seconds(m.trained/time.Duration(len(m.epochLoss))))
	}
	if m.article != "" {
		fmt.Fprintf(w, "(%s trained on the full MNIST, 60,000 images, tested on its 10,000, and counted epochs from 0.)\n", m.article)
	}
}

// summaryLine is one line for scripts, always last:
//
//	summary epochs=2 train_seconds_per_epoch=1.234 test_accuracy=0.9405
//
// Under -notime the seconds are left out.
func summaryLine(cfg *config, m *meter, ev *evaluation) string {
	if cfg.noTime {
		return fmt.Sprintf("summary epochs=%d test_accuracy=%.4f", len(m.epochLoss), ev.accuracy())
	}
	return fmt.Sprintf("summary epochs=%d train_seconds_per_epoch=%.3f test_accuracy=%.4f",
		len(m.epochLoss), m.secondsPerEpoch(), ev.accuracy())
}

// outcome is the run's last word, once the report is out: nil, or the one
// line main prints on stderr when Ctrl-C cut the run short or the network
// learned nothing.
func outcome(cfg *config, stopped *interruption, ev *evaluation, classes int) error {
	switch {
	case stopped != nil:
		saved := "nothing was saved"
		if cfg.save != "" {
			saved = "it is saved in " + cfg.save
		}
		return fmt.Errorf("%w (Ctrl-C) during epoch %d of %d, after %s: the results above are for the network as it was then, and %s",
			errInterrupted, stopped.epoch, stopped.epochs, plural(stopped.epoch-1, "full epoch"), saved)
	case cfg.epochs > 0 && nn.AtChance(ev.accuracy(), classes):
		return fmt.Errorf("training failed: %s", nn.ChanceHint(ev.accuracy(), classes, cfg.lr))
	}
	return nil
}

// plural writes "1 full epoch", "2 full epochs".
func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
