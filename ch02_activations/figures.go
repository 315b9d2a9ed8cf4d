package main

import (
	"fmt"
	"io"
	"math"

	"nnfromscratch/internal/cli"
	"nnfromscratch/nn"
)

// curve samples f at 201 points z from −5 to 5 (z = 0 among them).
func curve(f func(float64) float64) (zs, ys []float64) {
	for i := 0; i <= 200; i++ {
		z := -5 + float64(i)/20
		zs = append(zs, z)
		ys = append(ys, f(z))
	}
	return zs, ys
}

// yRange is the vertical range that shows an activation and its derivative.
func yRange(name string) (lo, hi float64) {
	switch name {
	case "tanh":
		return -1.1, 1.1
	case "relu":
		return -0.5, 5
	}
	return -0.1, 1.1
}

// functionPlot draws one activation and its derivative (the terminal plots).
func functionPlot(a nn.Activation) nn.Plot {
	fx, fy := curve(a.F)
	gx, gy := curve(a.Grad)
	lo, hi := yRange(a.Name)
	return nn.Plot{
		Title: a.Name + " and its derivative",
		Series: []nn.Series{
			{Name: a.Name + "(z)", X: fx, Y: fy},
			{Name: a.Name + "'(z)", X: gx, Y: gy},
		},
		XMin: -5, XMax: 5, YMin: lo, YMax: hi,
	}
}

// overviewPlot draws pick(a) for all four activations on one figure.
func overviewPlot(title, suffix string, pick func(nn.Activation) func(float64) float64, ylo, yhi float64) nn.Plot {
	p := nn.Plot{Title: title, XLabel: "z (the weighted sum)", XMin: -5, XMax: 5, YMin: ylo, YMax: yhi}
	for _, a := range nn.Activations {
		xs, ys := curve(pick(a))
		p.Series = append(p.Series, nn.Series{Name: a.Name + suffix, X: xs, Y: ys})
	}
	return p
}

// derivativesPlot draws the four derivatives. ReLU' is dashed so that step',
// which lies under it for z < 0, shows through.
func derivativesPlot() nn.Plot {
	p := overviewPlot("Derivatives of the activation functions", "'",
		func(a nn.Activation) func(float64) float64 { return a.Grad }, -0.1, 1.1)
	for i := range p.Series {
		p.Series[i].Dashed = p.Series[i].Name == "relu'"
	}
	return p
}

// vanishingPlot draws log10 of the mean |∂L/∂W| per layer, per activation.
func vanishingPlot(g layerGrads) nn.Plot {
	p := nn.Plot{
		Title:  "Gradient reaching each layer (one backward pass)",
		XLabel: "Dense layer (1 = input side)", YLabel: "log10 mean |∂L/∂W|",
	}
	// An empty, unnamed first series (drawn as nothing, left out of the
	// legend) shifts the colours so that sigmoid, tanh and ReLU keep the
	// colours they have in the other figures.
	p.Series = append(p.Series, nn.Series{})
	for _, act := range g.acts {
		s := nn.Series{Name: act}
		for l, v := range g.means[act] {
			s.X = append(s.X, float64(l+1))
			s.Y = append(s.Y, math.Log10(v))
		}
		p.Series = append(p.Series, s)
	}
	return p
}

// writeFigures writes the chapter's SVG figures into dir and names them on w.
func writeFigures(w io.Writer, dir string, g layerGrads) error {
	overview := overviewPlot("Activation functions", "",
		func(a nn.Activation) func(float64) float64 { return a.F }, -1.2, 2.2)
	derivs, vanish := derivativesPlot(), vanishingPlot(g)
	figures := []cli.Figure{
		{Name: "ch02_activations.svg", SVG: overview.SVG},
		{Name: "ch02_derivatives.svg", SVG: derivs.SVG},
		{Name: "ch02_vanishing.svg", SVG: vanish.SVG},
	}
	for _, a := range nn.Activations {
		p := functionPlot(a)
		p.XLabel = "z (the weighted sum)"
		p.Series[1].Dashed = true
		figures = append(figures, cli.Figure{Name: "ch02_" + a.Name + ".svg", SVG: p.SVG})
	}
	fmt.Fprintln(w)
	return cli.WriteFigures(w, dir, figures...)
}
