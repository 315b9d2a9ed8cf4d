package main

// Using a trained network: evaluating a saved model on a data set (-eval)
// and reading a digit from a picture (-predict).

import (
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"nnfromscratch/data"
	"nnfromscratch/nn"
)

// loadModel reads a network saved by -save.
func loadModel(path string) (*nn.MLP, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("-model %s: %v", path, unwrapPathError(err))
	}
	defer f.Close()
	net, err := nn.Load(f)
	if err != nil {
		return nil, fmt.Errorf("-model %s: %v", path, err)
	}
	return net, nil
}

// runEval measures a saved network on the test images of -data. It needs
// only the test files: data.LoadTest does not look for the training pair.
func runEval(w io.Writer, cfg *config) error {
	net, err := loadModel(cfg.model)
	if err != nil {
		return err
	}
	ds, err := data.LoadTest(cfg.data)
	if err != nil {
		return fmt.Errorf("-data: %v", err)
	}
	testSet := limit(ds.Test, cfg.testLimit)
	if in, out := net.Sizes[0], net.Sizes[len(net.Sizes)-1]; in != testSet.Rows*testSet.Cols || out != ds.Classes {
		return fmt.Errorf("-model %s: the network takes %d inputs and gives %d classes, but the images of -data have %d pixels (%d×%d) and %d classes",
			cfg.model, in, out, testSet.Rows*testSet.Cols, testSet.Rows, testSet.Cols, ds.Classes)
	}

	section(w, 1, "The data")
	fmt.Fprintln(w, ds.Name)
	if testSet.Len() < ds.Test.Len() {
		fmt.Fprintf(w, "using the first %s of the %s test images\n", nn.Thousands(testSet.Len()), nn.Thousands(ds.Test.Len()))
	}
	section(w, 2, "The model")
	fmt.Fprintf(w, "%s: %s, loaded without training\n", cfg.model, net)

	te := toSplit(testSet)
	ev := evaluate(net, te.x, te.labels)
	section(w, 3, "Evaluation")
	fmt.Fprintf(w, "test accuracy %.4f: %s of %s test images right\n",
		ev.accuracy(), nn.Thousands(ev.correct), nn.Thousands(len(ev.pred)))
	report(w, 4, ev, te, ds.Classes, classNames(ds))
	return nil
}

// runPredict reads the picture -predict names, prepares it as MNIST's
// digits were prepared, shows what the network sees, and what it says.
func runPredict(w io.Writer, cfg *config) error {
	net, err := loadModel(cfg.model)
	if err != nil {
		return err
	}
	if net.Sizes[0] != side*side {
		return fmt.Errorf("-model %s: the network takes %d inputs, but a picture becomes %d×%d = %d pixels",
			cfg.model, net.Sizes[0], side, side, side*side)
	}
	f, err := os.Open(cfg.predict)
	if err != nil {
		return fmt.Errorf("-predict %s: %v", cfg.predict, unwrapPathError(err))
	}
	defer f.Close()
	d, err := readDigit(f)
	if err != nil {
		return fmt.Errorf("-predict %s: %v", cfg.predict, err)
	}

	section(w, 1, "Your picture")
	fmt.Fprintf(w, "%s: %d×%d pixels, %s.\n", cfg.predict, d.width, d.height, d.canvas)
	fmt.Fprintf(w, "The ink fills a %d×%d box; scaled to %d×%d and centred by its centre of mass in %d×%d, it reads:\n",
		d.ink.Dx(), d.ink.Dy(), d.scaledW, d.scaledH, side, side)
	asciiFull(w, d.pixels, side, side)

	section(w, 2, "What the network says")
	fmt.Fprintf(w, "%s: %s\n", cfg.model, net)
	probs := net.Predict(nn.FromRows([][]float64{d.pixels}))[0]
	printBars(w, probs)
	best := topK(probs, 3)
	var next []string
	for _, c := range best[1:] {
		next = append(next, fmt.Sprintf("%d (%.1f%%)", c, 100*probs[c]))
	}
	fmt.Fprintf(w, "prediction: %d, %.1f%% sure; next guesses %s\n", best[0], 100*probs[best[0]], strings.Join(next, ", "))
	return nil
}

// printBars draws the probabilities as a bar chart, 40 characters for 100%.
func printBars(w io.Writer, probs []float64) {
	const full = 40
	for c, p := range probs {
		bar := strings.Repeat("#", int(math.Round(p*full)))
		fmt.Fprintf(w, "%5d  %6.2f%%  |%s\n", c, 100*p, bar)
	}
}

// unwrapPathError keeps only the reason of an *os.PathError ("no such file
// or directory"), for messages that already name the file.
func unwrapPathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}
