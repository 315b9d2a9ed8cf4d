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
	describeData(w, cfg, d, net)

	section(w, 2, "The network")
	describeRecipe(w, cfg, d, net)
}

// describeData says how many images train, validate and test (of how many
// the data set holds, under -train-limit or -test-limit), how they become
// numbers, and under -augment what the distortions do.
func describeData(w io.Writer, cfg *config, d *splits, net *nn.MLP) {
	ds := d.ds
	tr, te := ds.Train, ds.Test
	if tr.Len() < ds.TrainTotal || te.Len() < ds.TestTotal {
		fmt.Fprintf(w, "using the first %s of the %s training images and the first %s of the %s test images\n",
			nn.Thousands(tr.Len()), nn.Thousands(ds.TrainTotal), nn.Thousands(te.Len()), nn.Thousands(ds.TestTotal))
	}
	test := nn.Thousands(d.test.images.Len())
	switch {
	case d.val != nil:
		fmt.Fprintf(w, "validation: 1 in %d training images of each class held out (the %d%s, %d%s, … of each class):\n",
			valEvery, valEvery, ordinal(valEvery), 2*valEvery, ordinal(2*valEvery))
		fmt.Fprintf(w, "  %s to train on, %s to validate on, after every epoch; the %s test images are used once, at the end\n",
			nn.Thousands(d.train.images.Len()), nn.Thousands(d.val.images.Len()), test)
	case reproducing(cfg):
		fmt.Fprintf(w, "no validation split: as %s did, the network trains on all %s training images and is tested\n",
			articleOf(cfg.preset), nn.Thousands(d.train.images.Len()))
		fmt.Fprintf(w, "  on the %s test images after every epoch (to reproduce it; choose no setting by them: -validate does it right)\n", test)
	case d.tooFew:
		fmt.Fprintf(w, "no validation split: no class has the %d training images it takes to hold 1 in %d out; all %s train,\n",
			valEvery, valEvery, nn.Thousands(d.train.images.Len()))
		fmt.Fprintf(w, "  and the %s test images are used once, at the end\n", test)
	case cfg.preset.noValidation && !cfg.validateGiven:
		fmt.Fprintf(w, "no validation split: -preset %s trains on all %s training images, its settings chosen on the split before\n",
			cfg.preset.name, nn.Thousands(d.train.images.Len()))
		fmt.Fprintf(w, "  (-validate shows how); the %s test images are used once, at the end\n", test)
	default:
		fmt.Fprintf(w, "no validation split (-validate=false): all %s training images train; the %s test images are used once, at the end\n",
			nn.Thousands(d.train.images.Len()), test)
	}
	if net.Input.None() {
		fmt.Fprintf(w, "Each %d×%d image becomes a row of %d numbers, its pixels ÷ 255 (0 background, 1 full ink);\n",
			te.Rows, te.Cols, te.Rows*te.Cols)
	} else {
		fmt.Fprintf(w, "Each %d×%d image becomes a row of %d numbers, its pixels p standardised with the mean and standard\n",
			te.Rows, te.Cols, te.Rows*te.Cols)
		fmt.Fprintf(w, "deviation of the training images' pixels (÷ 255): %s, mean 0 and standard deviation 1;\n", net.Input)
	}
	example := min(3, ds.Classes-1)
	fmt.Fprintf(w, "each label becomes a one-hot row of %d (%d → %s).\n", ds.Classes, example, oneHotText(example, ds.Classes))
	if cfg.augment {
		fmt.Fprintln(w)
		printAugmentation(w, cfg, d.train)
	}
}

// ordinal is the suffix of n written as an ordinal: "th" for 6 and 12.
func ordinal(n int) string {
	switch {
	case n%100 >= 11 && n%100 <= 13:
		return "th"
	case n%10 == 1:
		return "st"
	case n%10 == 2:
		return "nd"
	case n%10 == 3:
		return "rd"
	}
	return "th"
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
func describeRecipe(w io.Writer, cfg *config, d *splits, net *nn.MLP) {
	fmt.Fprintf(w, "preset     %s: %s\n", cfg.preset.name, strings.ReplaceAll(cfg.preset.what, "\n", "\n           "))
	if changed := cfg.changed(); len(changed) > 0 {
		fmt.Fprintf(w, "changed    %s, given on the command line\n", strings.Join(changed, ", "))
	}
	fmt.Fprintf(w, "network    %s, softmax + cross-entropy on top\n", net)
	init := cfg.init
	if init == "" {
		init = nn.DefaultInit(cfg.act)
	}
	fmt.Fprintf(w, "weights    %s\n", initText(init, cfg.init == ""))
	trainImages := d.train.images.Len()
	batch := min(cfg.batch, trainImages) // a batch larger than the set is the whole set
	perEpoch := (trainImages + batch - 1) / batch
	rate := fmt.Sprintf("%s lr %g, ", cfg.opt, cfg.lr)
	switch cfg.schedule {
	case "step":
		rate = fmt.Sprintf("%s lr %g halved every %s (-schedule step),\n           ", cfg.opt, cfg.lr, plural((cfg.epochs+3)/4, "epoch"))
	case "cosine":
		rate = fmt.Sprintf("%s lr %g annealed to 0 along a cosine (-schedule cosine),\n           ", cfg.opt, cfg.lr)
	}
	fmt.Fprintf(w, "training   %sbatches of %d (%s steps per epoch), %d epochs, seed %d\n",
		rate, cfg.batch, nn.Thousands(perEpoch), cfg.epochs, cfg.seed)
	var extra []string
	switch {
	case cfg.opt == "adamw" && cfg.weightDecay > 0:
		extra = append(extra, fmt.Sprintf("AdamW's decoupled weight decay λ %g", cfg.weightDecay))
	case cfg.weightDecay > 0:
		extra = append(extra, fmt.Sprintf("L2 weight decay λ %g", cfg.weightDecay))
	}
	if cfg.patience > 0 {
		extra = append(extra, fmt.Sprintf("early stopping after %s without a better validation accuracy, keeping the best epoch's weights",
			plural(cfg.patience, "epoch")))
	}
	if cfg.augment {
		extra = append(extra, "a fresh distortion of every training image each epoch (-augment)")
	}
	if len(extra) > 0 {
		fmt.Fprintf(w, "also       %s\n", strings.Join(extra, "; "))
	}
}

// initText says how the initial weights are drawn.
func initText(name string, byDefault bool) string {
	formula := map[string]string{"std1": "std 1", "std0.01": "std 0.01", "lecun": "LeCun, std √(1/fan_in)",
		"glorot": "Glorot, std √(2/(fan_in + fan_out))", "he": "He, std √(2/fan_in)"}[name]
	text := "normal, mean 0, " + formula
	if byDefault {
		text += " (the default for " + map[bool]string{true: "ReLU", false: "sigmoid and tanh"}[name == "he"] + ")"
	}
	return text
}

// showArticle reports whether the article's accuracies are shown beside
// ours: only for a run that reproduces the article, and only on the data
// it used (the whole of the full MNIST), where they can be compared.
func showArticle(cfg *config, d *splits) bool {
	return reproducing(cfg) && fullMNIST(d.ds)
}

// beforeTraining prints section 3, the untrained network's accuracy beside
// chance (and the article's, when it is comparable), and returns it: the
// first point of the accuracy curve. Fresh weights are small: their scores
// cannot overflow.
func beforeTraining(w io.Writer, cfg *config, d *splits, net *nn.MLP) float64 {
	section(w, 3, "Before training")
	held := d.heldOut(cfg)
	var ev *evaluation
	var err error
	if held != nil {
		ev, err = evaluate(net, held)
	} else {
		ev, err = evaluate(net, d.train)
		held = d.train
	}
	initial := 0.0
	if err == nil {
		initial = ev.accuracy()
	}
	fmt.Fprintf(w, "initial accuracy %.4f on the %s %s images: chance is %.4f, one right guess in %d.\n",
		initial, nn.Thousands(held.images.Len()), held.name, 1/float64(d.ds.Classes), d.ds.Classes)
	if p := cfg.preset; len(p.reported) > 0 && showArticle(cfg, d) {
		fmt.Fprintf(w, "(%s printed %.4f here: its untrained network guessed just as blindly.)\n", articleOf(p), p.reported[0])
	}
	return initial
}

// trainingNotes follows the epoch table: where Ctrl-C stopped the run, where
// early stopping did and which epoch it kept, the time per epoch, and which
// data the article used when the run reproduces one.
func trainingNotes(w io.Writer, cfg *config, d *splits, m *meter, stopped *interruption) {
	if stopped != nil {
		fmt.Fprintf(w, "%s: stopping\n", stopped)
	}
	switch {
	case m.stoppedEarly > 0:
		fmt.Fprintf(w, "Early stopping: no better validation accuracy for %s after epoch %d, so training stopped after epoch %d\n",
			plural(cfg.patience, "epoch"), m.kept, m.stoppedEarly)
		fmt.Fprintf(w, "and kept the weights of epoch %d (validation accuracy %.4f).\n", m.kept, m.accuracy[m.kept-1])
	case m.kept > 0:
		fmt.Fprintf(w, "Early stopping: training ran all %d epochs; it kept the weights of epoch %d, the best on validation (%.4f).\n",
			len(m.epochLoss), m.kept, m.accuracy[m.kept-1])
	}
	if len(m.epochLoss) > 0 {
		per := m.trained / time.Duration(len(m.epochLoss))
		fmt.Fprintf(w, "Training took %s seconds per epoch, %s in all (", m.seconds(per), m.seconds(m.trained))
		switch {
		case !cfg.augment:
			fmt.Fprint(w, "the steps only")
		case m.noTime:
			fmt.Fprint(w, "the steps and the distortions")
		default:
			fmt.Fprintf(w, "the steps and the distortions, which took %s s per epoch, %s of it",
				m.seconds(m.augmented/time.Duration(len(m.epochLoss))), m.share(m.augmented, m.trained))
		}
		fmt.Fprintln(w, ": loading and evaluating not counted).")
	}
	if !reproducing(cfg) {
		return
	}
	what := "the data of this run, so its figures are shown beside ours"
	if !fullMNIST(d.ds) {
		what = "its figures are shown beside ours only on that data, which this is not"
	}
	fmt.Fprintf(w, "(%s trained on the full MNIST, 60,000 images, tested on its 10,000, and counted epochs from 0:\n %s.)\n", articleOf(cfg.preset), what)
}

// printResults prints the kept network's validation accuracy, when there
// is a validation split, and its test accuracy, saying that the test images
// were used once.
func printResults(w io.Writer, cfg *config, d *splits, val, ev *evaluation) {
	if val != nil {
		fmt.Fprintf(w, "validation accuracy %.4f: %s of %s validation images right\n",
			val.accuracy(), nn.Thousands(val.correct), nn.Thousands(len(val.pred)))
	}
	printAccuracy(w, ev)
	if !reproducing(cfg) {
		fmt.Fprintln(w, "(the test images were used this once, after training: no setting was chosen by them)")
	}
}

// summaryLine is one line for scripts, always last:
//
//	summary epochs=2 train_seconds_per_epoch=1.234 val_accuracy=0.9512 test_accuracy=0.9405
//
// Under -notime the seconds are left out; without a validation split, the
// validation accuracy.
func summaryLine(cfg *config, m *meter, val, ev *evaluation) string {
	s := fmt.Sprintf("summary epochs=%d", len(m.epochLoss))
	if !cfg.noTime {
		s += fmt.Sprintf(" train_seconds_per_epoch=%.3f", m.secondsPerEpoch())
	}
	if val != nil {
		s += fmt.Sprintf(" val_accuracy=%.4f", val.accuracy())
	}
	return s + fmt.Sprintf(" test_accuracy=%.4f", ev.accuracy())
}

// learned reports whether the trained network is worth keeping: better
// than chance on ev (the validation images, or the test images of a run
// without them), or not trained at all, on purpose (-epochs 0). A network
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
//     then 5, both learn next to nothing).
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
