package main

import (
	"fmt"
	"io"
	"math"
	"strings"

	"nnfromscratch/nn"
)

// curvesFile is the figure -svg DIR writes.
const curvesFile = "ch07_curves.svg"

// curvesFigure is the run's training curves, as -svg DIR writes them.
func curvesFigure(m *meter, initial float64, cfg *config) figure {
	return figure{curvesFile, "the training curves", curvesSVG(m, initial, cfg)}
}

// curvesSVG draws the run's training curves, two panels one above the
// other: the training loss through the epochs, and the accuracy, on the
// training batches as they pass and after each epoch on the images the run
// measures (the validation images; with the article's figures when the run
// reproduces it on its data).
func curvesSVG(m *meter, initial float64, cfg *config) func(io.Writer) error {
	epochs := float64(max(1, len(m.epochLoss)))
	if n := len(m.curveX); n > 0 { // a run stopped by Ctrl-C has points past its last epoch
		epochs = max(epochs, math.Ceil(m.curveX[n-1]))
	}
	// The x axis reaches a little before 0 and past the last epoch, so that
	// the dots there are drawn whole: a dot's radius is 4 of the plot's
	// 426 pixels across.
	pad := epochs * 6 / 426
	top := 0.0
	for _, v := range m.curveY {
		top = max(top, v)
	}
	loss := &nn.Plot{
		Title:  "Training loss, mean over each tenth of an epoch",
		XLabel: "epoch", YLabel: "cross-entropy",
		XMin: -pad, XMax: epochs + pad, YMin: 0, YMax: max(0.1, 1.05*top),
		Series: []nn.Series{{Name: "training loss", X: m.curveX, Y: m.curveY}},
	}

	xs := []float64{0}
	ys := []float64{initial}
	for i, a := range m.accuracy {
		xs = append(xs, float64(i+1))
		ys = append(ys, a)
	}
	title := "Accuracy on the training batches (line) and the " + m.measured + " images (dots)"
	series := []nn.Series{{Name: "training", X: m.curveX, Y: m.curveAcc}, {Name: m.measured, X: xs, Y: ys, Points: true}}
	if m.measured == "train" { // nothing held out: the dots are the batches' accuracy over each epoch
		title = "Accuracy on the training batches: each tenth (line), each epoch (dots)"
		series[1].Name = "each epoch"
	}
	acc := &nn.Plot{
		Title:  title,
		XLabel: "epoch", YLabel: "accuracy",
		XMin: -pad, XMax: epochs + pad, YMin: 0, YMax: 1,
		Series: series,
	}
	if m.article != "" {
		var ax []float64
		for i := range m.reported {
			ax = append(ax, float64(i))
		}
		acc.Series = append(acc.Series, nn.Series{Name: m.article + " test", X: ax, Y: m.reported, Points: true})
	}
	return func(w io.Writer) error { return stackSVG(w, loss, acc) }
}

// stackSVG writes plots one above the other as a single SVG image: each
// plot's own SVG is nested at its height, with its clipping area renamed so
// that the ids stay unique.
func stackSVG(w io.Writer, plots ...*nn.Plot) error {
	const width, height = 640, 420 // the size nn.Plot.SVG draws
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d">`+"\n",
		width, height*len(plots), width, height*len(plots))
	for i, p := range plots {
		var one strings.Builder
		if err := p.SVG(&one); err != nil {
			return err
		}
		s := one.String()
		s = strings.Replace(s, "<svg ", fmt.Sprintf(`<svg y="%d" `, i*height), 1)
		id := fmt.Sprintf("area%d", i+1)
		s = strings.ReplaceAll(s, `id="area"`, `id="`+id+`"`)
		s = strings.ReplaceAll(s, `url(#area)`, `url(#`+id+`)`)
		b.WriteString(s)
	}
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}
