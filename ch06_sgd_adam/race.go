package main

import (
	"fmt"
	"io"
	"math"
	"strings"

	"nnfromscratch/nn"
)

// The race: minimise f(x, y) = x²/20 + y², a bowl twenty times steeper
// along y than along x, from (−7, 2). Its minimum is f(0, 0) = 0.
func bowl(x, y float64) float64 { return x*x/20 + y*y }

// bowlGrad is ∇f = (x/10, 2y).
func bowlGrad(x, y float64) (gx, gy float64) { return x / 10, 2 * y }

var raceStart = [2]float64{-7, 2}

// racer is one optimiser in the race, with the learning rate it runs at.
type racer struct {
	name string
	lr   float64
	opt  nn.Optimizer
}

// racers returns fresh optimisers. The learning rates are chosen per rule:
// each is about the largest that keeps that rule well behaved on this bowl.
func racers() []racer {
	return []racer{
		{"SGD", 0.95, &nn.SGD{LR: 0.95}},
		{"Momentum", 0.1, &nn.Momentum{LR: 0.1, Mu: 0.9}},
		{"AdaGrad", 1.5, &nn.AdaGrad{LR: 1.5, Eps: 1e-8}},
		{"RMSProp", 0.3, &nn.RMSProp{LR: 0.3, Rho: 0.9, Eps: 1e-8}},
		{"Adam", 0.3, nn.NewAdam(0.3)},
	}
}

// runRace moves the point (x, y) with opt for steps steps and returns the
// path, start first. The point is a 1×2 parameter, like any weight matrix.
func runRace(opt nn.Optimizer, steps int) (xs, ys []float64) {
	p := &nn.Param{Name: "xy", Value: nn.RowVector(raceStart[0], raceStart[1]), Grad: nn.New(1, 2)}
	xs, ys = []float64{raceStart[0]}, []float64{raceStart[1]}
	for range steps {
		x, y := p.Value[0][0], p.Value[0][1]
		p.Grad[0][0], p.Grad[0][1] = bowlGrad(x, y)
		opt.Step([]*nn.Param{p})
		xs = append(xs, p.Value[0][0])
		ys = append(ys, p.Value[0][1])
	}
	return xs, ys
}

// The race's figure uses the same scale on both axes, so that the bowl looks
// as stretched as it is: its contours are ellipses √20 ≈ 4.5 times longer
// than they are high. nn.Plot draws an SVG's data in a 426×332 pixel area
// (640×420 less its margins; TestRaceFigureEqualScales checks it), so x from
// −8 to 2 gives y ±5·332/426.
const (
	svgPlotWidth, svgPlotHeight = 426.0, 332.0
	raceXMin, raceXMax          = -8.0, 2.0
)

// raceYHalf is half the y range that gives y the scale of x.
var raceYHalf = float64((raceXMax-raceXMin)*svgPlotHeight/svgPlotWidth) / 2

// race prints the race and returns its figure.
func race(w io.Writer, c config) (*nn.Plot, error) {
	fmt.Fprintln(w, "== 2. The race: f(x, y) = x²/20 + y² from (-7, 2) ==")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "The bowl is 20 times steeper along y than along x: the gradient points mostly")
	fmt.Fprintf(w, "across the valley, not along it. Each optimiser takes %d steps (Momentum μ 0.9,\n", c.steps)
	fmt.Fprintln(w, "RMSProp ρ 0.9, Adam β1 0.9 and β2 0.999; each lr about the best for its rule here).")
	row(w, "  %-9s %-6s %-9s %-9s %-9s %s", "optimiser", "lr", "x", "y", "f(x, y)", "distance to (0, 0)")
	// The terminal plot names no series itself: its legend, printed below,
	// lists only the marks that can be seen.
	ascii := nn.Plot{Title: "Paths of the five optimisers, each labelled with its lr (@ = start)", XLabel: "x", YLabel: "y",
		XMin: raceXMin, XMax: raceXMax, YMin: -3, YMax: 3}
	svg := nn.Plot{Title: fmt.Sprintf("%d steps on f(x, y) = x²/20 + y² from (−7, 2)", c.steps), XLabel: "x (same scale as y)", YLabel: "y",
		XMin: raceXMin, XMax: raceXMax, YMin: -raceYHalf, YMax: raceYHalf}
	var names []string
	var adagrad nn.Series
	for _, r := range racers() {
		xs, ys := runRace(r.opt, c.steps)
		x, y := xs[len(xs)-1], ys[len(ys)-1]
		row(w, "  %-9s %-6g %-9s %-9s %-9s %s", r.name, r.lr, fixed4(x), fixed4(y), fixed4(bowl(x, y)), fixed4(math.Hypot(x, y)))
		name := fmt.Sprintf("%s %g", r.name, r.lr)
		names = append(names, name)
		s := nn.Series{Name: name, X: xs, Y: ys}
		if r.name == "AdaGrad" {
			s.Dashed = true
			adagrad = s
		}
		svg.Series = append(svg.Series, s)
		ascii.Series = append(ascii.Series, nn.Series{X: xs, Y: ys})
	}
	start := nn.Series{Name: "start", Points: true, X: []float64{raceStart[0]}, Y: []float64{raceStart[1]}}
	svg.Series = append(svg.Series, start,
		nn.Series{Name: "minimum", Points: true, X: []float64{0}, Y: []float64{0}})
	addContours(&svg)
	// AdaGrad's path runs close to RMSProp's, which is drawn after it and
	// would hide it: draw it once more, last, on top of everything. In the
	// terminal, series 12 gets the mark of series 2, AdaGrad's '+', and the
	// start, series 15, the mark of series 5, '@', on top of that.
	adagrad.Name, adagrad.Color = "", nn.Palette[2]
	svg.Series = append(svg.Series, adagrad)
	for _, s := range []struct {
		index int
		x, y  []float64
	}{{12, adagrad.X, adagrad.Y}, {15, start.X, start.Y}} {
		for len(ascii.Series) < s.index {
			ascii.Series = append(ascii.Series, nn.Series{})
		}
		ascii.Series = append(ascii.Series, nn.Series{X: s.x, Y: s.y, Points: s.index == 15})
	}
	fmt.Fprintln(w)
	if err := asciiWithLegend(w, &ascii, 72, 19, append(names, "start")); err != nil {
		return nil, err
	}
	fmt.Fprintln(w, "SGD zig-zags across the valley; Momentum overshoots along it and swings back;")
	fmt.Fprintln(w, "AdaGrad's steps shrink as its sum of g² grows, and it ends closest to the minimum.")
	fmt.Fprintln(w, "RMSProp and AdaGrad divide each step by the size of its own gradients, so both")
	fmt.Fprintln(w, "directions move at a similar pace and their paths nearly coincide. Adam adds")
	fmt.Fprintln(w, "momentum to that: it curves, overshoots the valley floor (y = 0) and ends with the")
	fmt.Fprintln(w, "largest f of the five, still swinging.")
	fmt.Fprintln(w)
	return &svg, nil
}

// asciiWithLegend draws p in the terminal and then its legend: the mark of
// series i with names[i], for the marks that appear in the drawing. A path
// hidden under others everywhere gets no mark, so the legend says so instead
// of listing a character the reader cannot find.
func asciiWithLegend(w io.Writer, p *nn.Plot, cols, rows int, names []string) error {
	var b strings.Builder
	if err := p.ASCII(&b, cols, rows); err != nil {
		return err
	}
	drawing := b.String()
	var area strings.Builder // the plot's rows, right of the axis
	for _, line := range strings.Split(drawing, "\n") {
		if i := strings.Index(line, "|"); i >= 0 {
			area.WriteString(line[i+1:])
		}
	}
	const marks = "*o+x#@%&=~" // nn.Plot's marks for series 0, 1, 2, …
	var shown, hidden []string
	for i, name := range names {
		if strings.IndexByte(area.String(), marks[i]) >= 0 {
			shown = append(shown, fmt.Sprintf("%c %s", marks[i], name))
		} else {
			hidden = append(hidden, name)
		}
	}
	io.WriteString(w, drawing)
	fmt.Fprintf(w, "    %s\n", strings.Join(shown, "   "))
	if len(hidden) > 0 {
		fmt.Fprintf(w, "    (hidden under the other paths: %s)\n", strings.Join(hidden, ", "))
	}
	return nil
}

// contourLevels are the values of f drawn as dashed ellipses; the last one
// passes through the start.
var contourLevels = []float64{0.2, 0.8, 1.8, 3.2, bowl(raceStart[0], raceStart[1])}

// addContours appends the ellipses x²/20 + y² = c to p, dashed and grey.
func addContours(p *nn.Plot) {
	for k, c := range contourLevels {
		s := nn.Series{Dashed: true, Color: nn.Palette[8]}
		if k == 0 {
			s.Name = "contours of f"
		}
		a, b := math.Sqrt(20*c), math.Sqrt(c) // semi-axes along x and y
		const n = 96
		for i := 0; i <= n; i++ {
			t := 2 * math.Pi * float64(i) / n
			s.X = append(s.X, a*math.Cos(t))
			s.Y = append(s.Y, b*math.Sin(t))
		}
		p.Series = append(p.Series, s)
	}
}

// fixed4 prints v with 4 decimals, and a value that rounds to zero as
// "0.0000" whatever its sign: the sign of a number like 1e-12 can depend on
// how the CPU rounds.
func fixed4(v float64) string {
	if math.Abs(v) < 0.00005 {
		return "0.0000"
	}
	return fmt.Sprintf("%.4f", v)
}
