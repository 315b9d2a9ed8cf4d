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
	describeData(w, d.ds)

	section(w, 2, "The network")
	describeRecipe(w, cfg, net, d.train.x.Rows())
}

// describeData says how many images train and test (of how many the data
// set holds, under -train-limit or -test-limit), and how they become
// numbers.
func describeData(w io.Writer, ds *data.Dataset) {
	tr, te := ds.Train, ds.Test
	if tr.Len() < ds.TrainTotal || te.Len() < ds.TestTotal {
		fmt.Fprintf(w, "using the first %s of the %s training images and the first %s of the %s test images\n",
			nn.Thousands(tr.Len()), nn.Thousands(ds.TrainTotal), nn.Thousands(te.Len()), nn.Thousands(ds.TestTotal))
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
// first point of the accuracy curve. Fresh weights are small: their scores
// cannot overflow.
func beforeTraining(w io.Writer, cfg *config, d *splits, net *nn.MLP) float64 {
	section(w, 3, "Before training")
	initial := 0.0
	if ev, err := evaluate(net, d.test); err == nil {
		initial = ev.accuracy()
	}
	fmt.Fprintf(w, "initial accuracy %.4f on the %s test images: chance is %.4f, one right guess in %d.\n",
		initial, nn.Thousands(d.test.images.Len()), 1/float64(d.ds.Classes), d.ds.Classes)
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

// learned reports whether the trained network is worth keeping: better
// than chance, or not trained at all, on purpose (-epochs 0). A network
// that learned nothing is not saved, so that it never replaces a good one.
func learned(cfg *config, ev *evaluation, classes int) bool {
	return cfg.epochs == 0 || !nn.AtChance(ev.accuracy(), classes)
}

// outcome is the run's last word, once the report is out: nil, or the one
// line main prints on stderr when a signal (or the output failing) cut the
// run short, or when the network learned nothing. It says what became of
// the files the run was to write.
func outcome(cfg *config, stopped *interruption, ev *evaluation, classes, perEpoch int) error {
	good := learned(cfg, ev, classes)
	switch {
	case stopped != nil:
		c := stopped.cause
		var then string
		switch {
		case !good && len(cfg.outputs()) == 0:
			then = fmt.Sprintf("the network had learned nothing yet (accuracy %.1f%%, chance level)", 100*ev.accuracy())
		case !good:
			then = fmt.Sprintf("the network had learned nothing yet (accuracy %.1f%%, chance level), so it was not saved%s",
				100*ev.accuracy(), notWritten(cfg))
		case c.Output && cfg.save != "": // the results above were never seen
			then = "the network as it was then is saved in " + cfg.save
		case c.Output:
			then = "nothing was saved"
		case cfg.save != "":
			then = "the results above are for the network as it was then, and it is saved in " + cfg.save
		default:
			then = "the results above are for the network as it was then, and nothing was saved"
		}
		return fmt.Errorf("%w (%s) during epoch %d of %d, after %s: %s",
			c, c.How, stopped.epoch, stopped.epochs, plural(stopped.epoch-1, "full epoch"), then)
	case !good:
		return fmt.Errorf("training failed: accuracy %.1f%% is chance level (1 in %d): the network learned nothing; %s%s",
			100*ev.accuracy(), classes, chanceAdvice(cfg, perEpoch), notWritten(cfg))
	}
	return nil
}

// chanceAdvice is what to try after a run that learned nothing, in the
// order of the likely causes; TestChanceAdvice follows each suggestion and
// checks that the run then learns.
//
//   - A learning rate far from one known to work (goodLR): far too large,
//     the first steps push every ReLU unit below zero for good, and then no
//     gradient flows; far too small, the weights barely move. The rate
//     suggested is one known to work, not merely a smaller one: a tenth of
//     a rate far too large is often still too large (-lr 50 with momentum,
//     then 5, then 0.5, all learn nothing).
//   - Sigmoid through two hidden layers or more: each passes back at most a
//     quarter of the gradient (chapter 2), and with SGD or momentum such a
//     network can stay at chance for epochs whatever the rate; ReLU learns.
//   - Too few steps: the epochs needed for about 250.
func chanceAdvice(cfg *config, perEpoch int) string {
	good := goodLR(cfg)
	offRate := good > 0 && (cfg.lr > good || cfg.lr < good/10 || recipe(cfg) && cfg.lr != good)
	deepSigmoid := cfg.act == "sigmoid" && len(cfg.layers) > 3 && !recipe(cfg)
	switch {
	case deepSigmoid:
		try := "-act relu"
		if offRate {
			try += fmt.Sprintf(" -lr %g", steadyLR[cfg.opt])
		}
		return fmt.Sprintf("through %d sigmoid layers the gradient fades (each passes back at most a quarter of it): try %s",
			len(cfg.layers)-2, try)
	case offRate:
		size := "large"
		if cfg.lr < good {
			size = "small"
		}
		return fmt.Sprintf("the learning rate %g is too %s for %s: try -lr %g", cfg.lr, size, cfg.opt, good)
	}
	steps := perEpoch * max(1, cfg.epochs)
	epochs := max(2*cfg.epochs, (250+perEpoch-1)/max(1, perEpoch))
	few := nn.Thousands(steps) + " steps are"
	if steps == 1 {
		few = "1 step is"
	}
	return fmt.Sprintf("%s too few for it to learn: try -epochs %d", few, epochs)
}

// plural writes "1 full epoch", "2 full epochs".
func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
