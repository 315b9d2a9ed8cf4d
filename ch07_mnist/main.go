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
// docs/ch07_mnist.md walks through the output.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"nnfromscratch/data"
	"nnfromscratch/internal/atomicfile"
	"nnfromscratch/nn"
)

func main() {
	// The first Ctrl-C (SIGINT) cancels ctx: training stops after the
	// current batch, reports what it reached and saves if asked. Then the
	// default behaviour comes back, so a second Ctrl-C quits at once.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	go func() {
		<-ctx.Done()
		stop()
	}()
	err := runContext(ctx, os.Stdout, os.Args[1:])
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, errorLine(err))
		os.Exit(exitCode(err))
	}
}

// errorLine is the one line main prints on stderr when run fails.
func errorLine(err error) string { return "ch07_mnist: " + err.Error() }

// exitCode is 130 after Ctrl-C, as shells report a program stopped by
// SIGINT (128 + 2), and 1 for every other failure.
func exitCode(err error) int {
	if errors.Is(err, errInterrupted) {
		return 130
	}
	return 1
}

// errInterrupted is wrapped by the error a run returns after Ctrl-C.
var errInterrupted = errors.New("interrupted")

// seedStream is the second half of the random generator's seed: -seed picks
// the first.
const seedStream = 7

// newRand is the run's one source of randomness: the initial weights, then
// the shuffles.
func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seedStream)) }

// mistakesShown is how many misclassified test images the report draws.
const mistakesShown = 6

// run parses the flags and does one of three jobs: train (the default),
// evaluate a saved model (-eval) or read a picture (-predict).
func run(w io.Writer, args []string) error {
	return runContext(context.Background(), w, args)
}

// runContext is run with a context whose cancellation (Ctrl-C) stops a
// download or a training run cleanly.
func runContext(ctx context.Context, w io.Writer, args []string) error {
	cfg, err := parseFlags(w, args)
	if errors.Is(err, errHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	switch {
	case cfg.predict != "":
		return runPredict(w, cfg)
	case cfg.eval:
		return runEval(w, cfg)
	}
	return runTrain(ctx, w, cfg)
}

// runTrain is the chapter's main story, one numbered section at a time.
func runTrain(ctx context.Context, w io.Writer, cfg *config) error {
	// Paths are checked before anything slow: a typo in -save should not
	// cost a training run.
	if err := checkOutputs(cfg); err != nil {
		return err
	}
	if cfg.download {
		if err := download(ctx); err != nil {
			return err
		}
		if cfg.data == "" {
			cfg.data = fetch.dir
		}
	}

	// Everything that can refuse the run comes before the first line of the
	// report: a bad -data or -layers gets its one line of error and nothing else.
	ds, err := data.Load(cfg.data)
	if err != nil {
		return fmt.Errorf("-data: %v", err)
	}
	trainSet, testSet := limit(ds.Train, cfg.trainLimit), limit(ds.Test, cfg.testLimit)
	if err := cfg.checkShape(testSet.Rows*testSet.Cols, testSet.Rows, testSet.Cols, ds.Classes); err != nil {
		return err
	}
	if err := cfg.checkMemory(trainSet.Len()); err != nil {
		return err
	}
	rng := newRand(cfg.seed)
	net, err := nn.NewMLP(cfg.layers, cfg.act, rng)
	if err != nil {
		return fmt.Errorf("-layers: %v", err)
	}
	opt, err := nn.NewOptimizer(cfg.opt, cfg.lr)
	if err != nil {
		return fmt.Errorf("-opt: %v", err)
	}

	section(w, 1, "The data")
	fmt.Fprintf(w, "%s\n", ds.Name)
	describeData(w, ds, trainSet, testSet)
	tr, te := toSplit(trainSet), toSplit(testSet)

	section(w, 2, "The network")
	describeRecipe(w, cfg, net, tr.x.Rows())

	section(w, 3, "Before training")
	initial := net.Accuracy(te.x, te.labels)
	fmt.Fprintf(w, "initial accuracy %.4f on the %s test images: chance is %.4f, one right guess in %d.\n",
		initial, nn.Thousands(te.x.Rows()), 1/float64(ds.Classes), ds.Classes)
	if p := cfg.preset; len(p.reported) > 0 {
		fmt.Fprintf(w, "(%s printed %.4f here: its untrained network guessed just as blindly.)\n", articleOf(p), p.reported[0])
	}

	if ctx.Err() != nil { // Ctrl-C while the data loaded
		return fmt.Errorf("%w (Ctrl-C) before training started: nothing was trained or saved", errInterrupted)
	}

	section(w, 4, "Training")
	m := newMeter(w, cfg)
	stopped, err := train(ctx, net, opt, tr, te, cfg, rng, m)
	if err != nil {
		return err
	}
	if stopped != nil {
		fmt.Fprintf(w, "%s: stopping\n", stopped)
	}
	trainingNotes(w, cfg, m)
	ev, err := evaluate(net, te.x, te.labels)
	if err != nil { // only after -epochs 0 or Ctrl-C: train checks every epoch
		return fmt.Errorf("-lr %g: training diverged: %v; the learning rate %g is too large, try %.3g", cfg.lr, err, cfg.lr, cfg.lr/10)
	}

	report(w, 5, ev, te, ds.Classes, classNames(ds))

	section(w, 7, "Results")
	fmt.Fprintf(w, "test accuracy %.4f: %s of %s test images right\n",
		ev.accuracy(), nn.Thousands(ev.correct), nn.Thousands(len(ev.pred)))
	if cfg.svgDir != "" {
		path := filepath.Join(cfg.svgDir, curvesFile)
		if err := atomicfile.Write(path, curvesSVG(m, initial, cfg)); err != nil {
			return fmt.Errorf("-svg: %v", err)
		}
		fmt.Fprintf(w, "wrote the training curves to %s\n", path)
	}
	if cfg.save != "" {
		if err := atomicfile.Write(cfg.save, net.Save); err != nil {
			return fmt.Errorf("-save: %v", err)
		}
		fmt.Fprintf(w, "saved the network to %s; try it on your own digit:\n  go run ./ch07_mnist -model %s -predict my7.png\n",
			cfg.save, cfg.save)
	}
	fmt.Fprintln(w, summaryLine(cfg, m, ev))
	switch {
	case stopped != nil:
		saved := "nothing was saved"
		if cfg.save != "" {
			saved = "it is saved in " + cfg.save
		}
		return fmt.Errorf("%w (Ctrl-C) during epoch %d of %d, after %s: the results above are for the network as it was then, and %s",
			errInterrupted, stopped.epoch, stopped.epochs, plural(stopped.epoch-1, "full epoch"), saved)
	case cfg.epochs > 0 && nn.AtChance(ev.accuracy(), ds.Classes):
		return fmt.Errorf("training failed: %s", nn.ChanceHint(ev.accuracy(), ds.Classes, cfg.lr))
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

// section prints a numbered heading.
func section(w io.Writer, n int, title string) {
	if n > 1 {
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "== %d. %s ==\n", n, title)
}

// checkOutputs fails fast when -save or -svg could not be written.
func checkOutputs(cfg *config) error {
	if cfg.save != "" {
		if st, err := os.Stat(cfg.save); err == nil && st.IsDir() {
			return fmt.Errorf("-save %s: is a folder; give a file name, such as %s",
				cfg.save, filepath.Join(cfg.save, "digits.model"))
		}
		if err := atomicfile.CheckWritable(cfg.save); err != nil {
			return outputError("-save "+cfg.save, filepath.Dir(cfg.save), err)
		}
	}
	if cfg.svgDir != "" {
		if err := atomicfile.CheckWritable(filepath.Join(cfg.svgDir, curvesFile)); err != nil {
			return outputError("-svg "+cfg.svgDir, cfg.svgDir, err)
		}
	}
	return nil
}

// outputError explains why nothing can be written in dir, and what to do.
func outputError(flag, dir string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s: the folder %s does not exist; create it first (mkdir -p %s) or choose another", flag, dir, dir)
	case errors.Is(err, syscall.ENOTDIR):
		return fmt.Errorf("%s: %s is not a folder (a file is in the way); choose another place", flag, dir)
	case errors.Is(err, fs.ErrPermission), errors.Is(err, syscall.EROFS):
		return fmt.Errorf("%s: cannot write in the folder %s (%v); choose a folder you can write to", flag, dir, errors.Unwrap(err))
	}
	return fmt.Errorf("%s: %v", flag, err)
}

// limit returns the first n images of s (all of them when n is 0).
func limit(s *data.Set, n int) *data.Set {
	if n == 0 || n >= s.Len() {
		return s
	}
	return s.Head(n)
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

// changed lists the settings that differ from the preset's.
func (c *config) changed() []string {
	p := c.preset
	var out []string
	if joinSizes(c.layers) != joinSizes(p.layers) {
		out = append(out, "-layers "+joinSizes(c.layers))
	}
	if c.act != p.act {
		out = append(out, "-act "+c.act)
	}
	if c.opt != p.opt {
		out = append(out, "-opt "+c.opt)
	}
	if c.lr != p.lr {
		out = append(out, fmt.Sprintf("-lr %g", c.lr))
	}
	if c.batch != p.batch {
		out = append(out, fmt.Sprintf("-batch %d", c.batch))
	}
	if c.epochs != p.epochs {
		out = append(out, fmt.Sprintf("-epochs %d", c.epochs))
	}
	return out
}

// articleOf turns "article002" into "article 002".
func articleOf(p *preset) string {
	return strings.Replace(p.name, "article", "article ", 1)
}

// trainingNotes follows the epoch table: the time per epoch, and the
// article's setting when its numbers were shown beside ours.
func trainingNotes(w io.Writer, cfg *config, m *meter) {
	if len(m.epochLoss) > 0 {
		fmt.Fprintf(w, "Training took %s seconds per epoch (the steps only: loading and evaluating not counted).\n",
			m.seconds(m.trained/time.Duration(len(m.epochLoss))))
	}
	if m.article != "" {
		fmt.Fprintf(w, "(%s trained on the full MNIST, 60,000 images, tested on its 10,000, and counted epochs from 0.)\n", m.article)
	}
}

// report prints the confusion matrix (section n) and draws the worst
// mistakes (section n+1).
func report(w io.Writer, n int, ev *evaluation, te *split, classes int, names []string) {
	section(w, n, "Confusion matrix")
	printConfusion(w, confusionMatrix(ev.pred, te.labels, classes), names)

	section(w, n+1, "Mistakes")
	worst := worstMistakes(ev, te.labels, mistakesShown)
	if len(worst) == 0 {
		fmt.Fprintln(w, "None: every test image is right.")
		return
	}
	fmt.Fprintf(w, "The %d test images the network got wrong most confidently (#index: the truth, said what, how sure):\n\n", len(worst))
	printMistakes(w, te.images, worst, ev, te.labels, names)
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
