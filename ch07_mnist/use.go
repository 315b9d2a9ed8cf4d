package main

// Using a trained network: evaluating a saved model on a data set (-eval)
// and reading a digit from a picture (-predict).

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"strings"

	"nnfromscratch/data"
	"nnfromscratch/nn"
)

// loadModel reads a network saved by -save.
func loadModel(path string) (*nn.MLP, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("-model %s: no such file; train and save a model first: go run ./ch07_mnist -save %s", path, path)
	}
	if err != nil {
		return nil, fmt.Errorf("-model %s: %v", path, unwrapPathError(err))
	}
	defer f.Close()
	switch st, err := f.Stat(); {
	case err != nil:
		return nil, fmt.Errorf("-model %s: %v", path, unwrapPathError(err))
	case st.IsDir():
		return nil, fmt.Errorf("-model %s: is a folder, not a model file", path)
	case st.Size() == 0:
		return nil, fmt.Errorf("-model %s: the file is empty; save the model again with -save", path)
	}
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
		return fmt.Errorf("-model %s: the network takes %d inputs and gives %d classes, but the images of -data have %d pixels (%d×%d) and %d classes; evaluate it on data like the data it was trained on",
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
	ev, err := evaluate(net, te)
	if err != nil {
		return fmt.Errorf("-model %s: %v on the test images: its weights are far too large (edited by hand?); save the model again", cfg.model, err)
	}
	section(w, 3, "Evaluation")
	printAccuracy(w, ev)
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
		return fmt.Errorf("-model %s: the network takes %d inputs, but a picture becomes %d×%d = %d pixels; -predict needs a network trained on 28×28 digits",
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

	x := nn.FromRows([][]float64{d.pixels})
	if _, _, err := net.Evaluate(x); err != nil {
		return fmt.Errorf("-model %s: %v on this picture: its weights are far too large (edited by hand?); save the model again", cfg.model, err)
	}
	probs := net.Predict(x)[0]

	section(w, 1, "Your picture")
	fmt.Fprintf(w, "%s: %d×%d pixels, %s.\n", cfg.predict, d.width, d.height, d.canvas)
	fmt.Fprintf(w, "The ink fills a %d×%d box; scaled to %d×%d and centred by its centre of mass in %d×%d, it reads:\n",
		d.ink.Dx(), d.ink.Dy(), d.scaledW, d.scaledH, side, side)
	asciiFull(w, d.pixels, side, side)

	section(w, 2, "What the network says")
	fmt.Fprintf(w, "%s: %s\n", cfg.model, net)
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
// or directory"), for messages that already name the file, and says what
// to do about a file that may not be read.
func unwrapPathError(err error) error {
	if errors.Is(err, fs.ErrPermission) {
		return errors.New("permission denied; make the file readable (chmod a+r) or copy it somewhere you can read")
	}
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}
