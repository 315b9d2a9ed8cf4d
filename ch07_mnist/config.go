package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"nnfromscratch/data"
	"nnfromscratch/nn"
)

// config is everything the command line decides.
type config struct {
	data     string // -data: "" lets package data choose, "sample", a folder of IDX files or a .csv
	download bool

	preset *preset // the preset the values below started from
	layers []int
	act    string
	opt    string
	lr     float64
	batch  int
	epochs int
	seed   uint64

	trainLimit, testLimit int // use only the first N images of each split (0: all)

	svgDir  string
	save    string
	model   string
	eval    bool
	predict string
	noTime  bool
}

// preset is a whole training recipe under one name: the chapter's own
// default, or the network of one of the articles.
type preset struct {
	name   string
	layers []int
	act    string
	opt    string
	lr     float64
	batch  int
	epochs int

	// what says where the recipe comes from, for the "Network" section
	// (a "\n" starts a new, indented line).
	what string
	// reported holds the accuracies the article printed, before training and
	// after each epoch, shown beside ours. Empty when the article gives none.
	reported []float64
}

// presets are the recipes -preset accepts. "default" is what a plain
// `go run ./ch07_mnist` trains.
var presets = []*preset{
	{
		name: "default", layers: []int{784, 256, 256, 256, 10}, act: "relu", opt: "momentum", lr: 0.02, batch: 32, epochs: 15,
		what: "this chapter's choice: about 96% of the bundled test digits right, in seconds",
	},
	{
		name: "article000", layers: []int{784, 16, 16, 10}, act: "sigmoid", opt: "sgd", lr: 0.2, batch: 10, epochs: 20,
		what: "the network of article 000, trained by stochastic gradient descent on mini-batches\n" +
			"as it describes; it gives no numbers, so lr 0.2, batch 10 and 20 epochs are ours",
	},
	{
		name: "article001", layers: []int{784, 25, 25, 10}, act: "relu", opt: "adam", lr: 0.001, batch: 32, epochs: 10,
		what: "the network of article 001 with its Adam (lr 0.001, β1 0.9, β2 0.999, ε 1e-8);\n" +
			"it gives no batch size or epochs, so batch 32 and 10 epochs are ours",
	},
	{
		name: "article002", layers: []int{784, 64, 64, 64, 10}, act: "relu", opt: "adam", lr: 0.001, batch: 15, epochs: 2,
		what: "the experiment of article 002, every setting as the article has it\n" +
			"(PyTorch: three ReLU layers of 64, log_softmax + nll_loss, Adam lr 0.001, batch 15, 2 epochs)",
		reported: []float64{0.0982, 0.9486, 0.9669},
	},
	{
		name: "article004", layers: []int{784, 50, 100, 10}, act: "sigmoid", opt: "sgd", lr: 2, batch: 100, epochs: 20,
		what: "the network of article 004, which only runs it untrained; we train it by SGD\n" +
			"on batches of 100 (its batch size), with lr 2 and 20 epochs of our choosing",
	},
}

func presetNames() []string {
	names := make([]string, len(presets))
	for i, p := range presets {
		names[i] = p.name
	}
	return names
}

func findPreset(name string) *preset {
	for _, p := range presets {
		if p.name == name {
			return p
		}
	}
	return nil
}

// errHelp is returned by parseFlags after -h printed the usage.
var errHelp = errors.New("help requested")

// parseFlags reads the command line into a config. Flags given explicitly
// win over the preset's values. Every mistake a user can make is reported
// as one line naming the flag.
func parseFlags(w io.Writer, args []string) (*config, error) {
	def := presets[0]
	fs := flag.NewFlagSet("ch07_mnist", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are returned, not printed twice
	cfg := &config{}
	fs.StringVar(&cfg.data, "data", "", "data set: a folder `DIR` of IDX files (MNIST, Fashion-MNIST), a Kaggle-style .csv file, or \"sample\"; empty: data/mnist if downloaded, else the bundled sample")
	fs.BoolVar(&cfg.download, "download", false, "fetch the full MNIST into "+data.DefaultDir+" first (later runs then use it)")
	presetName := fs.String("preset", "default", "training recipe `NAME`: "+strings.Join(presetNames(), ", ")+" (flags given explicitly override it)")
	layers := fs.String("layers", joinSizes(def.layers), "layer `SIZES`, input first, separated by commas: the input must be the image's pixel count and the output the number of classes")
	fs.StringVar(&cfg.act, "act", def.act, "activation `NAME` of the hidden layers: relu, sigmoid or tanh")
	fs.StringVar(&cfg.opt, "opt", def.opt, "optimiser `NAME`: "+strings.Join(nn.OptimizerNames, ", "))
	fs.Float64Var(&cfg.lr, "lr", def.lr, "learning rate")
	fs.IntVar(&cfg.batch, "batch", def.batch, "mini-batch size")
	fs.IntVar(&cfg.epochs, "epochs", def.epochs, "passes over the training images")
	fs.Uint64Var(&cfg.seed, "seed", 1, "random seed for the initial weights and the shuffles")
	fs.IntVar(&cfg.trainLimit, "train-limit", 0, "train on the first `N` training images only (0: all)")
	fs.IntVar(&cfg.testLimit, "test-limit", 0, "evaluate on the first `N` test images only (0: all)")
	fs.StringVar(&cfg.svgDir, "svg", "", "write the training curves to `DIR`/ch07_curves.svg")
	fs.StringVar(&cfg.save, "save", "", "save the trained model to `FILE` (a text file)")
	fs.StringVar(&cfg.model, "model", "", "a model `FILE` saved with -save, for -eval or -predict")
	fs.BoolVar(&cfg.eval, "eval", false, "evaluate -model on the test images of -data, without training")
	fs.StringVar(&cfg.predict, "predict", "", "classify your own image `FILE` (PNG, JPEG or GIF) with -model")
	fs.BoolVar(&cfg.noTime, "notime", false, "print no timings (\"-\" instead), so that the output is the same on every run")

	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(w)
			fmt.Fprintf(w, "Usage of ch07_mnist: train a network on handwritten digits, evaluate it, or read your own digit.\n\n")
			fs.PrintDefaults()
			return nil, errHelp
		}
		return nil, fmt.Errorf("%v (see -h)", err)
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q: every setting is a flag (see -h)", fs.Arg(0))
	}

	cfg.preset = findPreset(*presetName)
	if cfg.preset == nil {
		return nil, fmt.Errorf("-preset %q: unknown; want one of %s", *presetName, strings.Join(presetNames(), ", "))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	p := cfg.preset
	if !set["layers"] {
		*layers = joinSizes(p.layers)
	}
	if !set["act"] {
		cfg.act = p.act
	}
	if !set["opt"] {
		cfg.opt = p.opt
	}
	if !set["lr"] {
		cfg.lr = p.lr
	}
	if !set["batch"] {
		cfg.batch = p.batch
	}
	if !set["epochs"] {
		cfg.epochs = p.epochs
	}

	var err error
	if cfg.layers, err = parseSizes(*layers); err != nil {
		return nil, fmt.Errorf("-layers %q: %v", *layers, err)
	}
	return cfg, cfg.check()
}

// check rejects values no run could use. Checks that need the data (the
// input and output sizes) come later, in checkShape.
func (c *config) check() error {
	switch {
	case !(c.lr > 0) || math.IsInf(c.lr, 0):
		return fmt.Errorf("-lr %g: the learning rate must be a positive number, such as 0.001", c.lr)
	case c.batch <= 0:
		return fmt.Errorf("-batch %d: the batch size must be at least 1", c.batch)
	case c.epochs < 0:
		return fmt.Errorf("-epochs %d: the number of epochs cannot be negative", c.epochs)
	case c.trainLimit < 0:
		return fmt.Errorf("-train-limit %d: cannot be negative (0 means all images)", c.trainLimit)
	case c.testLimit < 0:
		return fmt.Errorf("-test-limit %d: cannot be negative (0 means all images)", c.testLimit)
	case c.eval && c.model == "":
		return errors.New("-eval: needs -model FILE, a model saved by an earlier run with -save FILE")
	case c.predict != "" && c.model == "":
		return errors.New("-predict: needs -model FILE, a model saved by an earlier run with -save FILE")
	case c.eval && c.predict != "":
		return errors.New("-eval and -predict: choose one")
	case c.model != "" && !c.eval && c.predict == "":
		return errors.New("-model: give -eval or -predict with it (training always starts from fresh weights)")
	case c.save != "" && c.model != "":
		return errors.New("-save: only a training run saves a model, and -model does not train")
	case c.download && c.model != "":
		return errors.New("-download: fetches data for training; run it without -model")
	}
	if p := nn.ParamCount(c.layers); p > nn.MaxParams {
		return fmt.Errorf("-layers %s: %s parameters, more than the %s this program allows; use fewer or narrower layers",
			joinSizes(c.layers), nn.Thousands(p), nn.Thousands(nn.MaxParams))
	}
	if _, err := nn.NewActivationLayer(c.act); err != nil {
		return fmt.Errorf("-act %q: unknown; want relu, sigmoid or tanh", c.act)
	}
	if _, err := nn.NewOptimizer(c.opt, c.lr); err != nil {
		return fmt.Errorf("-opt %q: unknown; want %s", c.opt, strings.Join(nn.OptimizerNames, ", "))
	}
	return nil
}

// checkShape checks the layer sizes against the data: the first must be the
// number of pixels of an image and the last the number of classes.
func (c *config) checkShape(pixels, rows, cols, classes int) error {
	n := len(c.layers)
	first, last := c.layers[0], c.layers[n-1]
	fixed := append([]int{pixels}, c.layers[1:n-1]...)
	fixed = append(fixed, classes)
	switch {
	case first != pixels:
		return fmt.Errorf("-layers %s: the input size must be %d, one per pixel of the %d×%d images, not %d; try -layers %s",
			joinSizes(c.layers), pixels, rows, cols, first, joinSizes(fixed))
	case last != classes:
		return fmt.Errorf("-layers %s: the output size must be %d, one per class, not %d; try -layers %s",
			joinSizes(c.layers), classes, last, joinSizes(fixed))
	}
	return nil
}

// maxBatchValues bounds the numbers a batch holds in the layers' buffers
// (rows × the sum of the layer widths): 2^26 of them, with the copies the
// backward pass keeps, come to about 1.5 GB.
const maxBatchValues = 1 << 26

// checkMemory refuses a batch so large that its buffers would not fit in
// memory: -batch 100000 with wide layers would otherwise end in a crash.
// A batch larger than the training set is the whole set; evaluation goes
// 500 images at a time.
func (c *config) checkMemory(trainImages int) error {
	rows := max(min(c.batch, trainImages), 500)
	width := 0
	for _, s := range c.layers {
		width += s
	}
	if rows*width <= maxBatchValues {
		return nil
	}
	gb := float64(rows) * float64(width) * 3 * 8 / 1e9
	return fmt.Errorf("-batch %d: a batch of %s images through %s would need about %.0f GB of memory; use a smaller -batch or narrower -layers",
		c.batch, nn.Thousands(rows), nn.SizesString(c.layers), gb)
}

// parseSizes reads "784,128,64,10".
func parseSizes(s string) ([]int, error) {
	parts := strings.Split(s, ",")
	if len(parts) < 2 {
		return nil, errors.New("want at least two sizes, input and output, separated by commas, such as 784,128,64,10")
	}
	sizes := make([]int, len(parts))
	for i, p := range parts {
		v, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil {
			return nil, fmt.Errorf("%q is not a whole number; want sizes separated by commas, such as 784,128,64,10", p)
		}
		if v < 1 || v > nn.MaxWidth {
			return nil, fmt.Errorf("size %d is outside 1..%d", v, nn.MaxWidth)
		}
		sizes[i] = v
	}
	return sizes, nil
}

// joinSizes writes sizes the way -layers reads them.
func joinSizes(sizes []int) string {
	parts := make([]string, len(sizes))
	for i, s := range sizes {
		parts[i] = strconv.Itoa(s)
	}
	return strings.Join(parts, ",")
}
