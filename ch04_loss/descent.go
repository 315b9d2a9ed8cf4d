package main

import (
	"fmt"
	"io"
	"math"
	"text/tabwriter"

	"nnfromscratch/nn"
)

// descentFigure is the file name of the chapter's figure.
const descentFigure = "ch04_descent.svg"

// ---------------------------------------------------------------------------
// 5. Numerical derivatives

// cube is f(x) = x³, whose slope 3x² is known exactly.
func cube(x float64) float64 { return x * x * x }

// The explicit float64 conversions round each value of f before the
// subtraction, as written: without them a compiler may fuse a multiplication
// with the subtraction, and the last digits of these deliberately
// rounding-limited quotients would differ between machines.

// forwardDiff is the one-sided difference quotient (f(x+h) − f(x)) / h.
func forwardDiff(f func(float64) float64, x, h float64) float64 {
	return (float64(f(x+h)) - float64(f(x))) / h
}

// centralDiff is the central difference quotient (f(x+h) − f(x−h)) / 2h.
func centralDiff(f func(float64) float64, x, h float64) float64 {
	return (float64(f(x+h)) - float64(f(x-h))) / (2 * h)
}

// bowl is f(x0, x1) = x0² + x1², whose gradient is (2·x0, 2·x1).
func bowl(x []float64) float64 { return float64(x[0]*x[0]) + float64(x[1]*x[1]) }

// fixed formats v with prec decimals, printing a negative zero as zero.
func fixed(v float64, prec int) string {
	s := fmt.Sprintf("%.*f", prec, v)
	if v <= 0 && math.Abs(v) < 0.5*math.Pow(10, -float64(prec)) {
		s = fmt.Sprintf("%.*f", prec, 0.0)
	}
	return s
}

func numericalDerivatives(w io.Writer) {
	heading(w, "5. Derivatives by nudging: the central difference")
	fmt.Fprintln(w, "The derivative is the slope of f at x: how much f changes per unit change of")
	fmt.Fprintln(w, "x, in the limit of a tiny change. A computer can take a small h instead:")
	fmt.Fprintln(w, "  forward difference  (f(x+h) − f(x)) / h      error about h·f''/2")
	fmt.Fprintln(w, "  central difference  (f(x+h) − f(x−h)) / 2h   error about h²·f'''/6")
	fmt.Fprintln(w)
	const x = 2.0
	exact := 3 * x * x
	fmt.Fprintf(w, "f(x) = x³ at x = %g, where the exact slope is 3x² = %g:\n", x, exact)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  h\tforward\terror\tcentral\terror")
	for _, h := range []float64{1e-1, 1e-2, 1e-4, 1e-6, 1e-8, 1e-10} {
		fd, cd := forwardDiff(cube, x, h), centralDiff(cube, x, h)
		fmt.Fprintf(tw, "  %g\t%.10f\t%.1e\t%.10f\t%.1e\n", h, fd, math.Abs(fd-exact), cd, math.Abs(cd-exact))
	}
	tw.Flush()
	fmt.Fprintln(w, "Shrinking h helps until f(x+h) and f(x−h) agree in nearly all their digits:")
	fmt.Fprintln(w, "then the subtraction leaves mostly rounding noise, magnified by 1/h. Here the")
	fmt.Fprintln(w, "central difference is best near h = 1e-6, and far more accurate than the")
	fmt.Fprintf(w, "forward one for the same h. nn.NumericalStep, h = %g, gives up a little of\n", nn.NumericalStep)
	fmt.Fprintln(w, "that accuracy to stay clear of the noise on functions that carry more")
	fmt.Fprintln(w, "rounding error than x³, such as a network's loss.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "A gradient is one such slope per input, nudging one input while the others")
	fmt.Fprintln(w, "stay put. nn.NumericalGradient on f(x0, x1) = x0² + x1², whose exact gradient")
	fmt.Fprintln(w, "is (2·x0, 2·x1):")
	for _, p := range [][]float64{{3, 4}, {0, 2}, {3, 0}} {
		g := nn.NumericalGradient(bowl, p)
		fmt.Fprintf(w, "  at (%g, %g): (%s, %s)\n", p[0], p[1], num(g[0]), num(g[1]))
	}
	fmt.Fprintln(w, "The gradient points uphill, away from the minimum at (0, 0), and is longer")
	fmt.Fprintln(w, "the steeper the slope. Walking against it is gradient descent.")
}

// ---------------------------------------------------------------------------
// 6. Gradient descent

// descentRun is one run of nn.GradientDescent on bowl.
type descentRun struct {
	lr    float64
	steps int
	path  [][]float64
}

func (r descentRun) final() []float64 { return r.path[len(r.path)-1] }

var descentStart = []float64{-3, 4}

func descend(lr float64, steps int) descentRun {
	_, path := nn.GradientDescent(bowl, descentStart, lr, steps)
	return descentRun{lr, steps, path}
}

func descent(w io.Writer) ([]descentRun, error) {
	heading(w, "6. Gradient descent on f(x0, x1) = x0² + x1²")
	fmt.Fprintf(w, "Start at (%g, %g), where f = %g; the minimum is f(0, 0) = 0. Each step moves\n",
		descentStart[0], descentStart[1], bowl(descentStart))
	fmt.Fprintln(w, "against the numerical gradient, x ← x − lr·∇f(x) (nn.GradientDescent).")
	fmt.Fprintln(w, "Since ∇f = 2x here, one step multiplies x by 1 − 2·lr. After 100 steps:")
	good, huge, tiny := descend(0.1, 100), descend(10, 100), descend(1e-10, 100)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  lr\tx after 100 steps\tf(x)\tper step")
	x := good.final()
	fmt.Fprintf(tw, "  %g\t(%.1e, %.1e)\t%.1e\t×%g: converges\n", good.lr, x[0], x[1], bowl(x), 1-2*good.lr)
	x = huge.final()
	fmt.Fprintf(tw, "  %g\t(%.2e, %.2e)\t%.1e\t×%g: diverges\n", huge.lr, x[0], x[1], bowl(x), 1-2*huge.lr)
	x = tiny.final()
	fmt.Fprintf(tw, "  %g\t(%.8f, %.8f)\t%.6f\t×(1 − 2e-10): barely moves\n", tiny.lr, x[0], x[1], bowl(x))
	tw.Flush()
	fmt.Fprintln(w)
	fmt.Fprintln(w, "With lr 0.1, x shrinks by 0.8 each step: 0.8¹⁰⁰ ≈ 2.0e-10 of the start.")
	fmt.Fprintln(w, "With lr 10 each step overshoots the minimum and lands 19 times farther out")
	fmt.Fprintln(w, "on the other side, until the numerical gradient itself breaks down:")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "  step\tx0\tx1\t  numerical ∇f(x)\t")
	for _, s := range []int{1, 2, 3, 5, 8, 9, 10, 100} {
		p := huge.path[s]
		g := nn.NumericalGradient(bowl, p)
		fmt.Fprintf(tw, "  %d\t%.4g\t%.4g\t  (%.4g, %.4g)\t\n", s, p[0], p[1], g[0], g[1])
	}
	tw.Flush()
	fmt.Fprintln(w, "Left alone, x0 would reach 3·19¹⁰⁰ ≈ 2e128. But float64 numbers near x lie")
	fmt.Fprintf(w, "about x·2.2e-16 apart, and once that spacing is no longer tiny next to h = %g,\n", nn.NumericalStep)
	fmt.Fprintln(w, "x + h and x − h get rounded: the gradient comes out 2% off at step 8, wrong")
	fmt.Fprintln(w, "at step 9 (0 for ∂f/∂x1 instead of −2.6e+12), and (0, 0) from step 10 on,")
	fmt.Fprintln(w, "where x ± h rounds back to x itself. There the run freezes: a diverged run")
	fmt.Fprintln(w, "gives garbage, not an answer. With lr 1e-10 every step is right but")
	fmt.Fprintln(w, "microscopic: after 100 of them the point has moved by about 1e-7.")
	fmt.Fprintln(w)

	zigzag := descend(0.9, 100)
	fmt.Fprintln(w, "lr 0.9 converges too, but by jumping across the minimum at every step (×−0.8):")
	fmt.Fprintln(w, "it visits the same distances as lr 0.1, on alternate sides, so its even steps")
	fmt.Fprintln(w, "land exactly on lr 0.1's points. The first 15 steps of lr 0.1 (+) and lr 0.9")
	fmt.Fprintln(w, "(o), over the circles f = 1, 4, 9, 16, 25 (*):")
	p := descentPlot(good, zigzag, true)
	p.Title = ""
	if err := p.ASCII(w, 61, 23); err != nil {
		return nil, err
	}
	return []descentRun{good, zigzag}, nil
}

// descentPlot draws the points visited by the first steps of two runs over
// circles of equal f. For the terminal (dotted) the circles are drawn as
// sparse dots, which a character grid shows more clearly than lines.
func descentPlot(good, zigzag descentRun, dotted bool) *nn.Plot {
	p := &nn.Plot{
		Title:  "Descent on f = x0² + x1² from (−3, 4): the first 15 steps",
		XLabel: "x0", YLabel: "x1",
		// The plot area is about 1.28 times as wide as high: these limits
		// keep the circles round in the SVG.
		XMin: -7, XMax: 7, YMin: -5.5, YMax: 5.5,
	}
	// The circles first, so that the steps are drawn over them.
	p.Series = append(p.Series, circles(dotted))
	if !dotted {
		// lr 0.9's even steps land exactly on lr 0.1's points and hide under
		// them; arcs from each of its points to the next show the jumps.
		p.Series = append(p.Series, jumps(zigzag))
	}
	zz, gd := firstSteps(zigzag), firstSteps(good)
	zz.Color, gd.Color = nn.Palette[1], nn.Palette[2] // the same colours with or without the arcs
	p.Series = append(p.Series, zz, gd)
	return p
}

// jumps draws each of the first steps of a run as an arc from one point to
// the next, bulging to the left of the direction of travel: a run that jumps
// back and forth across the minimum draws arcs on alternate sides.
func jumps(r descentRun) nn.Series {
	n := min(15, len(r.path)-1)
	s := nn.Series{Name: fmt.Sprintf("lr %g's jumps", r.lr), Color: "#999999"}
	for k := 0; k < n; k++ {
		a, b := r.path[k], r.path[k+1]
		dx, dy := b[0]-a[0], b[1]-a[1]
		// The control point: the midpoint, moved sideways by a quarter of the jump.
		cx, cy := (a[0]+b[0])/2-float64(dy/4), (a[1]+b[1])/2+float64(dx/4)
		for i := 0; i <= 16; i++ {
			t := float64(i) / 16
			u := 1 - t
			// A quadratic Bézier curve; each product rounded on its own, so
			// that the figure is the same on every CPU (see nn/plot.go).
			s.X = append(s.X, float64(u*u*a[0])+float64(2*u*t*cx)+float64(t*t*b[0]))
			s.Y = append(s.Y, float64(u*u*a[1])+float64(2*u*t*cy)+float64(t*t*b[1]))
		}
	}
	return s
}

// circles returns the level sets f = 1, 4, 9, 16, 25 as one series. As a
// line, each circle is traced once round, starting and ending in the
// direction of the start point, and the pen steps out to the next radius
// along that direction, where the steps drawn on top hide it.
func circles(dotted bool) nn.Series {
	s := nn.Series{Name: "f = 1, 4, 9, 16, 25", Dashed: !dotted, Points: dotted}
	a0 := math.Atan2(descentStart[1], descentStart[0])
	for r := 1.0; r <= 5; r++ {
		n := 120
		if dotted {
			n = 8 * int(r) // about evenly spaced dots
		}
		for k := 0; k <= n; k++ {
			a := a0 + 2*math.Pi*float64(k)/float64(n)
			s.X = append(s.X, r*math.Cos(a))
			s.Y = append(s.Y, r*math.Sin(a))
		}
	}
	return s
}

// firstSteps is the start and the points of the first steps of a run, as a
// plot series; later steps crowd the minimum.
func firstSteps(r descentRun) nn.Series {
	n := min(15, len(r.path)-1)
	s := nn.Series{Name: fmt.Sprintf("lr %g", r.lr), Points: true}
	for _, pt := range r.path[:n+1] {
		s.X = append(s.X, pt[0])
		s.Y = append(s.Y, pt[1])
	}
	return s
}
