// Command ch07_mnist is the whole pipeline on real handwritten digits: load
// them, turn them into numbers, train a multilayer perceptron in shuffled
// mini-batches, evaluate it, look at its mistakes, save it, and use it on a
// digit you draw yourself.
//
//	go run ./ch07_mnist                          # train on the bundled digits
//	go run ./ch07_mnist -preset article002       # article 002's experiment
//	go run ./ch07_mnist -save digits.model       # keep the trained network
//	go run ./ch07_mnist -model digits.model -predict my7.png
//	go run ./ch07_mnist -h                       # every flag
//
// docs/ch07_mnist.md walks through the output. Where things live: main.go
// the story of a training run; config.go and presets.go the flags; load.go
// the data; train.go the network and the training loop; meter.go what the
// loop shows while it runs; report.go the evaluation, confusion matrix and
// mistakes; notebook.go the other sections; outputs.go the files a run
// writes; curves.go and figures.go the figures; use.go -eval and -predict;
// predict.go your picture; download.go -download; serve.go, api.go,
// watch.go and web/ the drawing page (-serve).
package main

import (
	"context"
	"fmt"
	"io"

	"nnfromscratch/internal/cli"
)

// main runs the chapter with a context that the first Ctrl-C or SIGTERM
// cancels, and so does an output that cannot be written (a broken pipe, a
// full disk): training stops after the current batch, reports what it
// reached, saves if asked and if the network learned something, and the
// program exits with status 130 (Ctrl-C), 143 (SIGTERM), 141 (broken pipe)
// or 1 (write error). A second Ctrl-C or SIGTERM quits at once.
func main() { cli.MainContext("ch07_mnist", runContext) }

// run parses the flags and does one of four jobs: train (the default),
// evaluate a saved model (-eval), read a picture (-predict) or serve the
// drawing page (-serve, which trains too unless given -model).
func run(w io.Writer, args []string) error {
	return runContext(context.Background(), w, args)
}

// runContext is run with a context whose cancellation (Ctrl-C) stops a
// download or a training run cleanly.
func runContext(ctx context.Context, w io.Writer, args []string) error {
	cfg, help, err := parseFlags(w, args)
	if help || err != nil {
		return err
	}
	switch {
	case cfg.predict != "":
		return runPredict(w, cfg)
	case cfg.eval:
		return runEval(w, cfg)
	case cfg.serve:
		return runServe(ctx, w, cfg)
	}
	return runTrain(ctx, w, cfg)
}

// runTrain is the chapter's main story, one numbered section at a time.
// Everything that can refuse the run comes before the first line of the
// report: a path that cannot be written, data that cannot be read or does
// not fit -layers gets its one line of error and nothing else.
func runTrain(ctx context.Context, w io.Writer, cfg *config) error {
	if cfg.download { // a typo in -save should not cost a download
		if err := checkOutputs(cfg, nil); err != nil {
			return err
		}
	}
	d, err := loadData(ctx, cfg)
	if err != nil {
		return err
	}
	if err := checkOutputs(cfg, cfg.inputs(d.ds.Paths)); err != nil { // nor a training run
		return err
	}
	aug, err := newAugmentation(cfg, d)
	if err != nil {
		return err
	}
	net, opt, rng, err := newNetwork(cfg)
	if err != nil {
		return err
	}
	prepareInput(cfg, net, d.train) // pixels → numbers: ÷255 or standardised

	describe(w, cfg, d, net)                  // 1. The data, 2. The network
	initial := beforeTraining(w, cfg, d, net) // 3. Before training
	if ctx.Err() != nil {                     // Ctrl-C while the data loaded
		return notStarted(ctx)
	}

	section(w, 4, "Training")
	m := newMeter(w, cfg, d.heldOut(cfg), showArticle(cfg, d))
	m.watch = cfg.watch.follow(net, d, cfg, initial) // under -serve the page follows the run; nil otherwise
	if aug != nil {
		aug.m = m
	}
	stopped, err := train(ctx, net, opt, d, cfg, aug, rng, m)
	switch {
	case err != nil:
		return fmt.Errorf("%w%s", err, notWritten(cfg))
	case stopped != nil && stopped.steps == 0: // before the first step
		return notStarted(ctx)
	}
	trainingNotes(w, cfg, d, m, stopped)

	var val *evaluation
	if d.val != nil {
		if val, err = finalEvaluation(net, d.val, cfg, stopped); err != nil {
			return fmt.Errorf("%w%s", err, notWritten(cfg))
		}
	}
	ev, err := finalEvaluation(net, d.test, cfg, stopped) // the test images, once
	if err != nil {
		return fmt.Errorf("%w%s", err, notWritten(cfg))
	}
	m.watch.tested(d.test)                                   // the page's "what it learned" shows the test images from now on
	report(w, 5, ev, d.test, d.ds.Classes, classNames(d.ds)) // 5. Confusion matrix, 6. Mistakes

	section(w, 7, "Results")
	printResults(w, cfg, d, val, ev)
	judged := ev // whether it learned anything is judged on the validation images, when there are some
	if val != nil {
		judged = val
	}
	if learned(cfg, judged, d.ds.Classes) { // a network that learned nothing is not kept
		figures := append([]figure{curvesFigure(m, initial, cfg)}, learnedFigures(net, ev, d.test, classNames(d.ds))...)
		if aug != nil {
			figures = append(figures, augmentFigure(cfg, d.train))
		}
		if err := writeOutputs(w, cfg, net, figures); err != nil {
			return err
		}
	}
	fmt.Fprintln(w, summaryLine(cfg, m, val, ev))
	return outcome(cfg, stopped, judged, d.ds.Classes, m.perEpoch)
}

// notStarted is the error of a run stopped before its first training step.
func notStarted(ctx context.Context) error {
	c := cli.Cause(ctx)
	return fmt.Errorf("%w (%s) before training started: nothing was trained or saved", c, c.How)
}
