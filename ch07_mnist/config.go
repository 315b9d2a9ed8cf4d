package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"nnfromscratch/data"
	"nnfromscratch/internal/cli"
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

	// What trains it well (chapter 6), and augmentation.
	validate      bool    // hold out a validation split of the training images (validationSplit)
	validateGiven bool    // -validate was on the command line
	weightDecay   float64 // λ of L2 weight decay (AdamW: its decoupled decay)
	dropout       float64 // drop rate after every hidden activation
	batchNorm     bool    // batch normalisation after every hidden Dense layer
	init          string  // initialisation scheme; "": the activation's default
	schedule      string  // learning-rate schedule: none, step or cosine
	patience      int     // early stopping after this many epochs without a better validation accuracy (0: none)
	standardize   bool    // standardised input instead of ÷255
	augment       bool    // distort the training images anew every epoch
	distort       data.Distortion

	trainLimit, testLimit int // use only the first N images of each split (0: all)

	svgDir  string
	save    string
	model   string
	eval    bool
	predict string
	noTime  bool

	serve     bool     // -serve: the drawing page (serve.go)
	addr      string   // where it listens
	addrGiven bool     // -addr was given: no trying the next port
	watch     *watcher // set by -serve: the page follows the training run
}

// parseFlags reads the command line into a config; help is true after -h,
// which prints the usage. Flags given explicitly win over the preset's
// values. Every mistake a user can make is reported as one line naming the
// flag.
func parseFlags(w io.Writer, args []string) (cfg *config, help bool, err error) {
	def := presets[0]
	fs := flag.NewFlagSet("ch07_mnist", flag.ContinueOnError)
	cfg = &config{}
	fs.StringVar(&cfg.data, "data", "", "data set: a folder `DIR` of IDX files (MNIST, Fashion-MNIST), a Kaggle-style .csv file, or \"sample\"; empty: data/mnist if downloaded, else the bundled sample")
	fs.BoolVar(&cfg.download, "download", false, "fetch the full MNIST into "+data.DefaultDir+" first (later runs then use it)")
	presetName := fs.String("preset", "default", "training recipe `NAME`: "+strings.Join(presetNames(), ", ")+" (flags given explicitly override it)")
	layers := fs.String("layers", joinSizes(def.layers), "layer `SIZES`, input first, separated by commas: the input must be the image's pixel count and the output the number of classes")
	fs.StringVar(&cfg.act, "act", def.act, "activation `NAME` of the hidden layers: "+orList(nn.ActivationNames))
	fs.StringVar(&cfg.opt, "opt", def.opt, "optimiser `NAME`: "+strings.Join(nn.OptimizerNames, ", "))
	fs.Float64Var(&cfg.lr, "lr", def.lr, "learning rate")
	fs.IntVar(&cfg.batch, "batch", def.batch, "mini-batch size")
	fs.IntVar(&cfg.epochs, "epochs", def.epochs, "passes over the training images")
	fs.Uint64Var(&cfg.seed, "seed", 1, "random seed for the initial weights, the shuffles, dropout and the distortions")
	fs.BoolVar(&cfg.validate, "validate", true, "hold out 1 in 6 training images of each class for validation: its accuracy each epoch, the test images once at the end (-preset article002 and best: false; -validate=false trains on all of them)")
	fs.Float64Var(&cfg.weightDecay, "weight-decay", def.weightDecay, "L2 weight decay `λ` (0: none; with -opt adamw, AdamW's decoupled decay, 0.01 unless given)")
	fs.Float64Var(&cfg.dropout, "dropout", def.dropout, "dropout `rate` after every hidden activation, in [0, 1) (0: none)")
	fs.BoolVar(&cfg.batchNorm, "batchnorm", def.batchNorm, "batch normalisation after every hidden Dense layer")
	fs.StringVar(&cfg.init, "init", def.init, "initial weights `NAME`: "+orList(nn.InitNames)+" (empty: he for relu, lecun for sigmoid and tanh)")
	fs.StringVar(&cfg.schedule, "schedule", def.schedule, "learning-rate schedule `NAME`: "+orList(scheduleNames)+" (step: halved every quarter of the epochs; cosine: down to 0 at the end)")
	fs.IntVar(&cfg.patience, "patience", 0, "early stopping: stop after `N` epochs without a better validation accuracy, and keep the best epoch's weights (0: none)")
	fs.BoolVar(&cfg.standardize, "standardize", def.standardize, "standardise the input with the training pixels' mean and standard deviation, instead of ÷ 255")
	fs.BoolVar(&cfg.augment, "augment", def.augment, "distort the training images anew every epoch: shifts, rotations, scalings, elastic distortions (see -distort)")
	distort := fs.String("distort", distortionText(defaultDistortion), "what -augment does: `PARTS` such as shift=2,rotate=10,scale=0.1,sigma=5,alpha=34 (pixels, degrees, a fraction, pixels, pixels); parts left out are off")
	fs.IntVar(&cfg.trainLimit, "train-limit", 0, "train on the first `N` training images only (0: all)")
	fs.IntVar(&cfg.testLimit, "test-limit", 0, "evaluate on the first `N` test images only (0: all)")
	fs.StringVar(&cfg.svgDir, "svg", "", "write the figures to `DIR`: "+strings.Join(figureFiles, ", ")+", and "+augmentFile+" under -augment")
	fs.StringVar(&cfg.save, "save", "", "save the trained model to `FILE` (a text file)")
	fs.StringVar(&cfg.model, "model", "", "a model `FILE` saved with -save, for -eval, -predict or -serve")
	fs.BoolVar(&cfg.eval, "eval", false, "evaluate -model on the test images of -data, without training")
	fs.StringVar(&cfg.predict, "predict", "", "classify your own image `FILE` (PNG, JPEG or GIF) with -model")
	fs.BoolVar(&cfg.noTime, "notime", false, "print no timings (\"-\" instead), so that the output is the same on every run")
	fs.BoolVar(&cfg.serve, "serve", false, "serve the drawing page while training (or with -model, instead of training) until Ctrl-C")
	fs.StringVar(&cfg.addr, "addr", defaultAddr, "the `HOST:PORT` -serve listens on; the default tries the next ports when it is taken")
	if help, err := cli.Parse(fs, w, args); help || err != nil {
		return nil, help, err
	}

	cfg.preset = findPreset(*presetName)
	if cfg.preset == nil {
		return nil, false, fmt.Errorf("-preset %q: unknown; want one of %s", *presetName, strings.Join(presetNames(), ", "))
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	cfg.addrGiven = given["addr"]
	cfg.validateGiven = given["validate"]
	if given["layers"] {
		if cfg.layers, err = parseSizes(*layers); err != nil {
			return nil, false, fmt.Errorf("-layers %q: %v", *layers, err)
		}
	}
	cfg.preset.fill(cfg, given)
	if given["distort"] {
		if !cfg.augment {
			return nil, false, errors.New("-distort: give -augment with it (it says how -augment distorts the training images)")
		}
		if cfg.distort, err = parseDistortion(*distort); err != nil {
			return nil, false, fmt.Errorf("-distort %q: %v", *distort, err)
		}
	}
	if cfg.opt == "adamw" && !given["weight-decay"] && cfg.preset.weightDecay == 0 {
		cfg.weightDecay = adamwDecay // AdamW's own default, as PyTorch's
	}
	return cfg, false, cfg.check()
}

// adamwDecay is AdamW's weight decay when -weight-decay is not given:
// PyTorch's default, and nn.NewOptimizer's.
const adamwDecay = 0.01

// scheduleNames are the schedules -schedule accepts: nn's, with "none" for
// nn.Constant.
var scheduleNames = []string{"none", "step", "cosine"}

// newSchedule is the schedule -schedule names, over the run's epochs, from
// -lr; nil for none (or a run of no epochs).
func newSchedule(cfg *config) nn.Schedule {
	if cfg.schedule == "none" || cfg.epochs < 1 {
		return nil
	}
	s, err := nn.NewSchedule(cfg.schedule, cfg.lr, cfg.epochs)
	if err != nil {
		panic(err) // check accepted the name, the rate and the epochs
	}
	return s
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
	case c.serve && c.eval:
		return errors.New("-serve and -eval: choose one")
	case c.serve && c.predict != "":
		return errors.New("-serve and -predict: choose one")
	case c.addrGiven && !c.serve:
		return errors.New("-addr: give -serve with it (it is where the drawing page is served)")
	case c.model != "" && !c.eval && c.predict == "" && !c.serve:
		return errors.New("-model: give -eval, -predict or -serve with it (training always starts from fresh weights)")
	case c.save != "" && c.model != "":
		return errors.New("-save: only a training run saves a model, and -model does not train")
	case c.download && c.model != "":
		return errors.New("-download: fetches data for training; run it without -model")
	case !(c.weightDecay >= 0) || math.IsInf(c.weightDecay, 0):
		return fmt.Errorf("-weight-decay %g: want 0 (none) or a small positive number, such as 0.0005", c.weightDecay)
	case !(c.dropout >= 0 && c.dropout < 1):
		return fmt.Errorf("-dropout %g: the drop rate must be at least 0 and less than 1, such as 0.2", c.dropout)
	case c.init != "" && !slices.Contains(nn.InitNames, c.init):
		hint := ""
		if strings.EqualFold(c.init, "xavier") {
			hint = " (Xavier's initialisation is called glorot here, after Xavier Glorot)"
		}
		return fmt.Errorf("-init %q: unknown; want %s%s", c.init, orList(nn.InitNames), hint)
	case !slices.Contains(scheduleNames, c.schedule):
		return fmt.Errorf("-schedule %q: unknown; want %s", c.schedule, orList(scheduleNames))
	case c.patience < 0:
		return fmt.Errorf("-patience %d: cannot be negative (0: no early stopping)", c.patience)
	case c.patience > 0 && !c.validate:
		return fmt.Errorf("-patience %d: early stopping watches the validation accuracy, and this run has no validation split; give -validate with it", c.patience)
	}
	if err := checkAddr(c.addr); err != nil {
		return err
	}
	if p := nn.ParamCount(c.layers); p > nn.MaxParams {
		return fmt.Errorf("-layers %s: %s parameters, more than the %s this program allows; use fewer or narrower layers",
			joinSizes(c.layers), nn.Thousands(p), nn.Thousands(nn.MaxParams))
	}
	if !slices.Contains(nn.ActivationNames, c.act) {
		return fmt.Errorf("-act %q: unknown; want %s", c.act, orList(nn.ActivationNames))
	}
	if !slices.Contains(nn.OptimizerNames, c.opt) {
		return fmt.Errorf("-opt %q: unknown; want %s", c.opt, strings.Join(nn.OptimizerNames, ", "))
	}
	return nil
}

// checkShape checks the layer sizes against the data: the first must be the
// number of pixels of an image and the last the number of classes. The
// -layers it suggests instead is one the program accepts: its hidden
// layers are narrowed, if need be, to keep within nn.MaxParams.
func (c *config) checkShape(pixels, rows, cols, classes int) error {
	n := len(c.layers)
	first, last := c.layers[0], c.layers[n-1]
	if pixels > nn.MaxWidth {
		return fmt.Errorf("-data: its images have %d×%d = %s pixels, more than the %s inputs a network of this program can take; use images of at most 256×256 pixels",
			rows, cols, nn.Thousands(pixels), nn.Thousands(nn.MaxWidth))
	}
	fixed := append([]int{pixels}, c.layers[1:n-1]...)
	fixed = append(fixed, classes)
	for nn.ParamCount(fixed) > nn.MaxParams {
		for i := 1; i < len(fixed)-1; i++ {
			fixed[i] = max(1, fixed[i]/2)
		}
	}
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
// (rows × the sum of the layer widths, a hidden width counted again for its
// batch norm and again for its dropout): 2^26 of them, with the copies the
// backward pass keeps, come to about 1.5 GB.
const maxBatchValues = 1 << 26

// checkMemory refuses a batch so large that its buffers would not fit in
// memory: -batch 100000 with wide layers would otherwise end in a crash.
// A batch larger than the training set is the whole set; evaluation goes
// nn.EvalChunk images at a time. The -batch it suggests is the largest that
// fits.
func (c *config) checkMemory(trainImages int) error {
	rows := max(min(c.batch, trainImages), nn.EvalChunk)
	width := 0
	for i, s := range c.layers {
		width += s
		if i > 0 && i < len(c.layers)-1 { // a hidden layer's batch norm and dropout keep as many buffers again
			if c.batchNorm {
				width += s
			}
			if c.dropout > 0 {
				width += s
			}
		}
	}
	if rows*width <= maxBatchValues {
		return nil
	}
	gb := float64(rows) * float64(width) * 3 * 8 / 1e9
	if fit := maxBatchValues / width; fit >= nn.EvalChunk {
		return fmt.Errorf("-batch %d: a batch of %s images through %s would need about %.0f GB of memory; use -batch %d or less",
			c.batch, nn.Thousands(rows), nn.SizesString(c.layers), gb, fit)
	}
	return fmt.Errorf("-layers %s: evaluating %s images at a time through these layers would need about %.0f GB of memory; use narrower -layers",
		joinSizes(c.layers), nn.Thousands(rows), gb)
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

// orList writes names as "relu, sigmoid or tanh".
func orList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// joinSizes writes sizes the way -layers reads them.
func joinSizes(sizes []int) string {
	parts := make([]string, len(sizes))
	for i, s := range sizes {
		parts[i] = strconv.Itoa(s)
	}
	return strings.Join(parts, ",")
}
