package main

import (
	"fmt"
	"io"
	"math"

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

// race prints the race and returns its figure.
func race(w io.Writer, c config) (*nn.Plot, error) {
	fmt.Fprintln(w, "== 2. The race: f(x, y) = x²/20 + y² from (-7, 2) ==")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "The bowl is 20 times steeper along y than along x: the gradient points mostly")
	fmt.Fprintf(w, "across the valley, not along it. Each optimiser takes %d steps (Momentum μ 0.9,\n", c.steps)
	fmt.Fprintln(w, "RMSProp ρ 0.9, Adam β1 0.9 and β2 0.999; each lr about the best for its rule here).")
	row(w, "  %-9s %-6s %-9s %-9s %-9s %s", "optimiser", "lr", "x", "y", "f(x, y)", "distance to (0, 0)")
	ascii := nn.Plot{Title: "Paths of the five optimisers, each labelled with its lr (@ = start)", XLabel: "x", YLabel: "y",
		XMin: -8, XMax: 8, YMin: -3, YMax: 3}
	svg := ascii
	svg.Title = fmt.Sprintf("%d steps on f(x, y) = x²/20 + y² from (−7, 2)", c.steps)
	for _, r := range racers() {
		xs, ys := runRace(r.opt, c.steps)
		x, y := xs[len(xs)-1], ys[len(ys)-1]
		row(w, "  %-9s %-6g %-9s %-9s %-9s %s", r.name, r.lr, fixed4(x), fixed4(y), fixed4(bowl(x, y)), fixed4(math.Hypot(x, y)))
		s := nn.Series{Name: fmt.Sprintf("%s %g", r.name, r.lr), X: xs, Y: ys}
		ascii.Series = append(ascii.Series, s)
		svg.Series = append(svg.Series, s)
	}
	start := nn.Series{Name: "start", Points: true, X: []float64{raceStart[0]}, Y: []float64{raceStart[1]}}
	ascii.Series = append(ascii.Series, start) // series 5: drawn as '@'
	svg.Series = append(svg.Series, start,
		nn.Series{Name: "minimum", Points: true, X: []float64{0}, Y: []float64{0}})
	addContours(&svg)
	fmt.Fprintln(w)
	if err := ascii.ASCII(w, 72, 19); err != nil {
		return nil, err
	}
	fmt.Fprintln(w, "SGD zig-zags across the valley; Momentum overshoots and swings back; AdaGrad's steps")
	fmt.Fprintln(w, "shrink as its sum of g² grows; RMSProp and Adam take steps of about lr in each")
	fmt.Fprintln(w, "direction, whatever the slope, and so head straight down the gentle x direction.")
	fmt.Fprintln(w)
	return &svg, nil
}

// contourLevels are the values of f drawn as dashed ellipses; the last one
// passes through the start.
var contourLevels = []float64{0.2, 0.8, 1.8, 3.2, bowl(raceStart[0], raceStart[1])}

// addContours appends the ellipses x²/20 + y² = c to p. nn.Plot colours
// series i with nn.Palette[i%10], so each contour is put at an index ending
// in 8 (grey); the empty, unnamed series in between draw nothing.
func addContours(p *nn.Plot) {
	for k, c := range contourLevels {
		for len(p.Series)%10 != 8 {
			p.Series = append(p.Series, nn.Series{})
		}
		s := nn.Series{Dashed: true}
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
