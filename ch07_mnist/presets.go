package main

// The presets: whole training recipes under one name, the chapter's own
// default and the network of each article. A new setting of the recipe
// (a flag such as -lr) gets a field here, a line in fill and one in changed.

import (
	"fmt"
	"hash/fnv"
	"slices"
	"strings"

	"nnfromscratch/data"
)

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

	// What trains it well (chapter 6), and augmentation: the zero values
	// are none of it.
	weightDecay float64
	dropout     float64
	batchNorm   bool
	init        string // "": the activation's default
	schedule    string // "" is "none"
	standardize bool
	augment     bool
	distort     data.Distortion // for augment; the zero value: defaultDistortion
	// noValidation trains on every training image unless -validate is
	// given: article 002's preset, to reproduce an article that printed its
	// test accuracy every epoch; best's, whose settings were chosen on the
	// validation split, so that the final network learns from it too.
	noValidation bool

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
		name: "default", layers: []int{784, 256, 256, 256, 10}, act: "relu", opt: "momentum", lr: 0.05, batch: 32, epochs: 15,
		batchNorm: true, schedule: "cosine",
		what: "this chapter's choice, made on the bundled sample's validation split (docs/ch07_mnist.md):\n" +
			"seconds on the sample, under a minute on the full MNIST",
	},
	{
		name: "best", layers: []int{784, 800, 800, 10}, act: "relu", opt: "momentum", lr: 0.05, batch: 128, epochs: 60,
		batchNorm: true, standardize: true, schedule: "cosine", augment: true, noValidation: true,
		what: "this chapter's best MLP, for the full MNIST, chosen on its validation split (docs/ch07_mnist.md):\n" +
			"batch norm, standardised input, augmentation, momentum with a cosine schedule",
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
		reported:     []float64{0.0982, 0.9486, 0.9669},
		noValidation: true, // as the article: test accuracy after every epoch
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

// fill gives cfg the preset's value of every setting whose flag was not
// given on the command line.
func (p *preset) fill(c *config, given map[string]bool) {
	if !given["layers"] {
		c.layers = slices.Clone(p.layers)
	}
	if !given["act"] {
		c.act = p.act
	}
	if !given["opt"] {
		c.opt = p.opt
	}
	if !given["lr"] {
		c.lr = p.lr
	}
	if !given["batch"] {
		c.batch = p.batch
	}
	if !given["epochs"] {
		c.epochs = p.epochs
	}
	if !given["weight-decay"] {
		c.weightDecay = p.weightDecay
	}
	if !given["dropout"] {
		c.dropout = p.dropout
	}
	if !given["batchnorm"] {
		c.batchNorm = p.batchNorm
	}
	if !given["init"] {
		c.init = p.init
	}
	if !given["schedule"] {
		c.schedule = p.scheduleName()
	}
	if !given["standardize"] {
		c.standardize = p.standardize
	}
	if !given["augment"] {
		c.augment = p.augment
	}
	c.distort = p.distortion() // -distort, if given, replaces it (parseFlags)
	if !given["validate"] {
		c.validate = !p.noValidation
	}
}

// scheduleName is the preset's schedule, "none" when it has none.
func (p *preset) scheduleName() string {
	if p.schedule == "" {
		return "none"
	}
	return p.schedule
}

// distortion is what -augment does under the preset.
func (p *preset) distortion() data.Distortion {
	if p.distort == (data.Distortion{}) {
		return defaultDistortion
	}
	return p.distort
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
	decay := p.weightDecay
	if c.opt == "adamw" && decay == 0 {
		decay = adamwDecay // what -opt adamw alone gives
	}
	if c.weightDecay != decay {
		out = append(out, fmt.Sprintf("-weight-decay %g", c.weightDecay))
	}
	if c.dropout != p.dropout {
		out = append(out, fmt.Sprintf("-dropout %g", c.dropout))
	}
	if c.batchNorm != p.batchNorm {
		out = append(out, fmt.Sprintf("-batchnorm=%t", c.batchNorm))
	}
	if c.init != p.init {
		out = append(out, "-init "+c.init)
	}
	if c.schedule != p.scheduleName() {
		out = append(out, "-schedule "+c.schedule)
	}
	if c.patience != 0 {
		out = append(out, fmt.Sprintf("-patience %d", c.patience))
	}
	if c.standardize != p.standardize {
		out = append(out, fmt.Sprintf("-standardize=%t", c.standardize))
	}
	if c.augment != p.augment {
		out = append(out, fmt.Sprintf("-augment=%t", c.augment))
	}
	if c.augment && c.distort != p.distortion() {
		out = append(out, "-distort "+distortionText(c.distort))
	}
	if c.validate == p.noValidation {
		out = append(out, fmt.Sprintf("-validate=%t", c.validate))
	}
	return out
}

// reproducing reports whether the run reproduces an article that printed
// its test accuracy after every epoch (article 002): its preset, without a
// validation split, so that the test images are measured after every epoch
// as the article measured them.
func reproducing(cfg *config) bool {
	return len(cfg.preset.reported) > 0 && !cfg.validate
}

// FNV-1a hashes of the labels of the full MNIST, its 60,000 training and
// 10,000 test images in the order of the files: a fingerprint that tells
// MNIST from Fashion-MNIST (whose files have the same names and sizes), and
// the whole set from a part of it.
const (
	mnistTrainLabels = 0xe3a35dee662474a5
	mnistTestLabels  = 0xfca1a11d31bd96bb
)

// fullMNIST reports whether ds is the whole of the full MNIST, the data the
// articles used: only there are their accuracies comparable with ours.
func fullMNIST(ds *data.Dataset) bool {
	return ds.Train != nil && ds.Test != nil &&
		labelsHash(ds.Train.Labels) == mnistTrainLabels && labelsHash(ds.Test.Labels) == mnistTestLabels
}

func labelsHash(labels []byte) uint64 {
	h := fnv.New64a()
	h.Write(labels)
	return h.Sum64()
}

// articleOf turns "article002" into "article 002".
func articleOf(p *preset) string {
	return strings.Replace(p.name, "article", "article ", 1)
}
