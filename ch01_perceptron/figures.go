package main

import (
	"fmt"
	"io"
	"math"

	"nnfromscratch/internal/cli"
	"nnfromscratch/nn"
)

// The figures share one view of the unit square, with room around it.
const lo, hi = -0.5, 1.5

// writeFigures writes the chapter's SVG figures into dir and names them on w.
func writeFigures(w io.Writer, dir string, runs map[string]trainResult) error {
	and, xor, loss := learnedPlot("AND", runs["AND"], andTask), xorPlot(), lossPlot()
	fmt.Fprintln(w)
	return cli.WriteFigures(w, dir,
		cli.Figure{Name: "ch01_and.svg", SVG: and.SVG},
		cli.Figure{Name: "ch01_xor.svg", SVG: xor.SVG},
		cli.Figure{Name: "ch01_step_loss.svg", SVG: loss.SVG},
	)
}

// pointSeries splits the four samples of a task by class: targets 0 first
// (palette colour 0, blue), then targets 1 (colour 1, red).
func pointSeries(tk task) []nn.Series {
	s := []nn.Series{{Name: tk.name + " = 0", Points: true}, {Name: tk.name + " = 1", Points: true}}
	for i, x := range inputs {
		c := int(tk.targets[i])
		s[c].X = append(s[c].X, x[0])
		s[c].Y = append(s[c].Y, x[1])
	}
	return s
}

// lineSeries returns the line w1·x1 + w2·x2 + b = 0 as a two-point series
// spanning the view, whichever way it runs.
func lineSeries(name string, p Perceptron) nn.Series {
	w1, w2, b := p.W[0], p.W[1], p.B
	s := nn.Series{Name: name}
	if math.Abs(w2) >= math.Abs(w1) { // closer to horizontal: x2 from x1
		for _, x1 := range []float64{lo, hi} {
			s.X = append(s.X, x1)
			s.Y = append(s.Y, -(w1*x1+b)/w2)
		}
	} else { // closer to vertical: x1 from x2
		for _, x2 := range []float64{lo, hi} {
			s.X = append(s.X, -(w2*x2+b)/w1)
			s.Y = append(s.Y, x2)
		}
	}
	return s
}

// classRegions colours the background by what f outputs there (0 or 1).
func classRegions(f func(x []float64) float64) func(x, y float64) int {
	return func(x, y float64) int { return int(f([]float64{x, y})) }
}

// learnedPlot shows a learned perceptron: the task's points, its line, and
// the side on which it fires.
func learnedPlot(name string, r trainResult, tk task) nn.Plot {
	p := r.final
	series := append(pointSeries(tk), lineSeries("learned line", p))
	return nn.Plot{
		Title:  fmt.Sprintf("%s learned: %.2f·x1 %s·x2 %s = 0", name, p.W[0], signed(p.W[1]), signed(p.B)),
		XLabel: "x1", YLabel: "x2",
		Series: series,
		XMin:   lo, XMax: hi, YMin: lo, YMax: hi,
		Regions: classRegions(p.Output), RegionGrid: 32,
		RegionNames: []string{"perceptron says 0", "perceptron says 1"},
	}
}

// xorPlot shows the four XOR points, the lines of the two hidden perceptrons
// (NAND and OR), and the band between them where the two-layer net says 1.
func xorPlot() nn.Plot {
	series := append(pointSeries(xorTask),
		lineSeries("NAND line", nandGate),
		lineSeries("OR line", orGate))
	return nn.Plot{
		Title:  "XOR needs two lines: AND(NAND(x), OR(x))",
		XLabel: "x1", YLabel: "x2",
		Series: series,
		XMin:   lo, XMax: hi, YMin: lo, YMax: hi,
		Regions: classRegions(func(x []float64) float64 {
			_, _, y := twoLayerXOR(x)
			return y
		}),
		RegionGrid:  32,
		RegionNames: []string{"network says 0", "network says 1"},
	}
}

// signed writes v as "+ 0.15" or "− 0.33", for a formula.
func signed(v float64) string {
	if v < 0 {
		return fmt.Sprintf("− %.2f", -v)
	}
	return fmt.Sprintf("+ %.2f", v)
}
