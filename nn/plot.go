// The figures of the chapters and docs: line and scatter plots drawn as SVG
// (for docs/img) or as characters (for the terminal). Plain text in, plain
// text out, so the same data always gives the same bytes.

package nn

import (
	"fmt"
	"html"
	"io"
	"math"
	"strconv"
	"strings"
)

// Series is one curve or set of points on a plot.
type Series struct {
	Name   string
	X, Y   []float64
	Points bool   // draw markers only, no line
	Dashed bool   // draw a dashed line
	Color  string // an SVG colour such as "#d62728"; empty: Palette[i] for series i
}

// color returns the colour of series i.
func (p *Plot) color(i int) string {
	if c := p.Series[i].Color; c != "" {
		return c
	}
	return Palette[i%len(Palette)]
}

// Plot is a 2-D figure with axes, ticks, labels and a legend.
type Plot struct {
	Title, XLabel, YLabel string
	Series                []Series

	// Limits of the axes; when both ends of a range are 0, it is fitted to
	// the data.
	XMin, XMax, YMin, YMax float64

	// Regions, if set, colours the background: Regions(x, y) is a class index
	// (0, 1, …) or −1 for none. Used for a classifier's decision regions,
	// drawn as polygons that follow its boundaries (plot_regions.go). Each
	// band of the picture is sampled at RegionGrid+1 points across (60 if
	// unset) and every change of class is then pinned down by bisection, so
	// a region narrower than 1/RegionGrid of the width may be missed.
	// RegionNames, if set, puts a swatch and a name for each class in the
	// legend: what the shading means.
	Regions     func(x, y float64) int
	RegionGrid  int
	RegionNames []string
}

// Palette is the colour of series i (and region i, lightened).
var Palette = []string{"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"}

var regionPalette = []string{"#c6dbef", "#fcbba1", "#c7e9c0", "#fdd0a2", "#dadaeb", "#d9c2b8", "#f7c6e4", "#b8ecf2", "#d9d9d9", "#eeeeb0"}

// ranges returns the axis limits: the ones set, or the data's, padded a little.
func (p *Plot) ranges() (x0, x1, y0, y1 float64) {
	x0, x1, y0, y1 = p.XMin, p.XMax, p.YMin, p.YMax
	fitX, fitY := x0 == 0 && x1 == 0, y0 == 0 && y1 == 0
	if fitX {
		x0, x1 = math.Inf(1), math.Inf(-1)
	}
	if fitY {
		y0, y1 = math.Inf(1), math.Inf(-1)
	}
	for _, s := range p.Series {
		for i := range s.X {
			x, y := s.X[i], s.Y[i]
			if math.IsNaN(x) || math.IsNaN(y) || math.IsInf(x, 0) || math.IsInf(y, 0) {
				continue
			}
			if fitX {
				x0, x1 = math.Min(x0, x), math.Max(x1, x)
			}
			if fitY {
				y0, y1 = math.Min(y0, y), math.Max(y1, y)
			}
		}
	}
	x0, x1 = widen(x0, x1, fitX)
	y0, y1 = widen(y0, y1, fitY)
	return
}

// widen makes an empty or degenerate range usable and pads a fitted one by 5%.
func widen(lo, hi float64, fitted bool) (float64, float64) {
	if lo > hi { // no data
		return 0, 1
	}
	if lo == hi {
		return lo - 1, hi + 1
	}
	if fitted {
		pad := 0.05 * (hi - lo)
		return lo - pad, hi + pad
	}
	return lo, hi
}

// ticks returns about n "nice" tick positions (steps of 1, 2 or 5 times a
// power of ten) inside [lo, hi].
func ticks(lo, hi float64, n int) []float64 {
	if !(hi > lo) || n < 1 {
		return nil
	}
	raw := (hi - lo) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	var ticks []float64
	for v := float64(math.Ceil(lo/step) * step); v <= hi+float64(step*1e-9); v += step {
		if math.Abs(v) < step*1e-9 {
			v = 0
		}
		ticks = append(ticks, v)
	}
	return ticks
}

// tickLabel prints a tick value without noise: 0.30000000000000004 → "0.3".
func tickLabel(v float64) string {
	return strconv.FormatFloat(v, 'g', 6, 64)
}

// SVG writes the plot as a standalone SVG image.
func (p *Plot) SVG(w io.Writer) error {
	const width, height = 640.0, 420.0
	const left, right, top, bottom = 64.0, 150.0, 36.0, 52.0
	pw, ph := width-left-right, height-top-bottom
	x0, x1, y0, y1 := p.ranges()
	// Every product is rounded on its own (the float64 conversions), so that
	// no CPU fuses it with the addition (arm64 does): the same figure, to the
	// byte, on every machine.
	sx := func(x float64) float64 { return left + float64((x-x0)/(x1-x0)*pw) }
	sy := func(y float64) float64 { return top + ph - float64((y-y0)/(y1-y0)*ph) }
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n",
		int(width), int(height), int(width), int(height))
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	if p.Title != "" {
		fmt.Fprintf(&b, `<text x="%s" y="22" text-anchor="middle" font-size="15">%s</text>`+"\n", f(left+pw/2), html.EscapeString(p.Title))
	}
	if p.Regions != nil {
		p.svgRegions(&b, x0, x1, y0, y1, ph, sx, sy, f)
	}
	// Grid, ticks and tick labels.
	for _, t := range ticks(x0, x1, 6) {
		x := f(sx(t))
		fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#e5e5e5"/>`+"\n", x, f(top), x, f(top+ph))
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle">%s</text>`+"\n", x, f(top+ph+16), tickLabel(t))
	}
	for _, t := range ticks(y0, y1, 5) {
		y := f(sy(t))
		fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#e5e5e5"/>`+"\n", f(left), y, f(left+pw), y)
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="end" dominant-baseline="middle">%s</text>`+"\n", f(left-6), y, tickLabel(t))
	}
	fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" fill="none" stroke="#333"/>`+"\n", f(left), f(top), f(pw), f(ph))
	if p.XLabel != "" {
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle">%s</text>`+"\n", f(left+pw/2), f(height-12), html.EscapeString(p.XLabel))
	}
	if p.YLabel != "" {
		fmt.Fprintf(&b, `<text x="16" y="%s" text-anchor="middle" transform="rotate(-90 16 %s)">%s</text>`+"\n",
			f(top+ph/2), f(top+ph/2), html.EscapeString(p.YLabel))
	}
	// Data, clipped to the plot area.
	fmt.Fprintf(&b, `<clipPath id="area"><rect x="%s" y="%s" width="%s" height="%s"/></clipPath>`+"\n", f(left), f(top), f(pw), f(ph))
	fmt.Fprintf(&b, `<g clip-path="url(#area)">`+"\n")
	for i, s := range p.Series {
		col := p.color(i)
		if s.Points {
			for k := range s.X {
				if finite(s.X[k], s.Y[k]) {
					fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="4" fill="%s" stroke="black" stroke-width="0.6"/>`+"\n", f(sx(s.X[k])), f(sy(s.Y[k])), col)
				}
			}
			continue
		}
		var pts []string
		for k := range s.X {
			if finite(s.X[k], s.Y[k]) {
				pts = append(pts, f(sx(s.X[k]))+","+f(sy(s.Y[k])))
			}
		}
		dash := ""
		if s.Dashed {
			dash = ` stroke-dasharray="6 4"`
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2"%s points="%s"/>`+"\n", col, dash, strings.Join(pts, " "))
	}
	fmt.Fprintf(&b, "</g>\n")
	// Legend, to the right of the plot.
	for i, s := range p.Series {
		if s.Name == "" {
			continue
		}
		col := p.color(i)
		y := top + 10 + float64(i)*20
		lx := left + pw + 14
		if s.Points {
			fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="4" fill="%s" stroke="black" stroke-width="0.6"/>`+"\n", f(lx+10), f(y), col)
		} else {
			dash := ""
			if s.Dashed {
				dash = ` stroke-dasharray="6 4"`
			}
			fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="2"%s/>`+"\n", f(lx), f(y), f(lx+20), f(y), col, dash)
		}
		fmt.Fprintf(&b, `<text x="%s" y="%s" dominant-baseline="middle">%s</text>`+"\n", f(lx+26), f(y), html.EscapeString(s.Name))
	}
	p.svgRegionLegend(&b, left+pw+14, top, len(p.Series), f)
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func finite(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// asciiMarks are the characters of series 0, 1, … in a terminal plot.
const asciiMarks = "*o+x#@%&=~"

// ASCII writes the plot as text, cols×rows characters of plot area plus
// axis labels and a legend. Lines are drawn by sampling each series densely.
// Regions are not drawn.
func (p *Plot) ASCII(w io.Writer, cols, rows int) error {
	if cols < 10 {
		cols = 10
	}
	if rows < 5 {
		rows = 5
	}
	x0, x1, y0, y1 := p.ranges()
	grid := make([][]byte, rows)
	for r := range grid {
		grid[r] = []byte(strings.Repeat(" ", cols))
	}
	// As in SVG, products are rounded before they are added (see sx).
	cell := func(x, y float64) (col, row float64) {
		return float64((x - x0) / (x1 - x0) * float64(cols-1)), float64(rows-1) - float64((y-y0)/(y1-y0)*float64(rows-1))
	}
	put := func(x, y float64, c byte) {
		if !finite(x, y) || x < x0 || x > x1 || y < y0 || y > y1 {
			return
		}
		col, row := cell(x, y)
		grid[int(math.Round(row))][int(math.Round(col))] = c
	}
	for i, s := range p.Series {
		c := asciiMarks[i%len(asciiMarks)]
		for k := range s.X {
			put(s.X[k], s.Y[k], c)
			if !s.Points && k+1 < len(s.X) {
				// Fill in between consecutive points so a line stays a line:
				// two samples per character cell it crosses.
				c0, r0 := cell(s.X[k], s.Y[k])
				c1, r1 := cell(s.X[k+1], s.Y[k+1])
				n := min(2*int(math.Max(math.Abs(c1-c0), math.Abs(r1-r0)))+1, 4*(cols+rows))
				for t := 1; t < n; t++ {
					a := float64(t) / float64(n)
					put(s.X[k]+float64(a*(s.X[k+1]-s.X[k])), s.Y[k]+float64(a*(s.Y[k+1]-s.Y[k])), c)
				}
			}
		}
	}
	var b strings.Builder
	if p.Title != "" {
		fmt.Fprintf(&b, "%s\n", p.Title)
	}
	top, bottom := tickLabel(y1), tickLabel(y0)
	lw := max(len(top), len(bottom))
	for r, line := range grid {
		label := ""
		switch r {
		case 0:
			label = top
		case rows - 1:
			label = bottom
		}
		fmt.Fprintf(&b, "%*s |%s\n", lw, label, strings.TrimRight(string(line), " "))
	}
	fmt.Fprintf(&b, "%*s +%s\n", lw, "", strings.Repeat("-", cols))
	left, right := tickLabel(x0), tickLabel(x1)
	gap := max(1, cols-len(left)-len(right))
	fmt.Fprintf(&b, "%*s  %s%s%s\n", lw, "", left, strings.Repeat(" ", gap), right)
	var axes []string
	if p.XLabel != "" {
		axes = append(axes, "x: "+p.XLabel)
	}
	if p.YLabel != "" {
		axes = append(axes, "y: "+p.YLabel)
	}
	if len(axes) > 0 {
		fmt.Fprintf(&b, "%*s  %s\n", lw, "", strings.Join(axes, "   "))
	}
	var legend []string
	for i, s := range p.Series {
		if s.Name != "" {
			legend = append(legend, fmt.Sprintf("%c %s", asciiMarks[i%len(asciiMarks)], s.Name))
		}
	}
	if len(legend) > 0 {
		fmt.Fprintf(&b, "%*s  %s\n", lw, "", strings.Join(legend, "   "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
