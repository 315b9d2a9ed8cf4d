package main

// The presets: whole training recipes under one name, the chapter's own
// default and the network of each article. A new setting of the recipe
// (a flag such as -lr) gets a field here, a line in fill and one in changed.

import (
	"fmt"
	"slices"
	"strings"
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
