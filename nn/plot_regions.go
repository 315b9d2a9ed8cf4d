// Decision regions in the SVG figures: the background of a plot coloured by
// the class a classifier gives each point, drawn as polygons whose edges
// follow the classifier's boundaries to a fraction of a pixel, so that no
// staircase crosses a boundary line drawn on top.

package nn

import (
	"fmt"
	"html"
	"math"
	"strings"
)

// regionRowHeight is the height in pixels of the horizontal bands in which
// the regions are traced: a boundary is located exactly on each band's
// middle line and drawn straight between them.
const regionRowHeight = 2.0

// regionSpan is a stretch of one band that the classifier gives one class.
type regionSpan struct {
	class  int
	x0, x1 float64 // data coordinates
}

// regionRow scans the band at height y: it samples Regions at n+1 evenly
// spaced x from x0 to x1 and, between two samples of different classes,
// bisects until the boundary is pinned to a billionth of the width.
func (p *Plot) regionRow(y, x0, x1 float64, n int) []regionSpan {
	at := func(k int) float64 { return x0 + float64(float64(k)/float64(n)*(x1-x0)) }
	spans := []regionSpan{{class: p.Regions(x0, y), x0: x0}}
	prev := spans[0].class
	for k := 1; k <= n; k++ {
		c := p.Regions(at(k), y)
		if c == prev {
			continue
		}
		lo, hi := at(k-1), at(k) // Regions(lo) = prev, Regions(hi) = c
		for range 30 {
			mid := (lo + hi) / 2
			if p.Regions(mid, y) == prev {
				lo = mid
			} else {
				hi = mid
			}
		}
		edge := (lo + hi) / 2
		spans[len(spans)-1].x1 = edge
		spans = append(spans, regionSpan{class: c, x0: edge})
		prev = c
	}
	spans[len(spans)-1].x1 = x1
	return spans
}

// sameClasses reports whether two bands cross the same classes in the same
// order, so that their spans join into the same polygons.
func sameClasses(a, b []regionSpan) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].class != b[i].class {
			return false
		}
	}
	return true
}

// svgRegions writes the regions into b as one polygon per region and run of
// bands that cross the same classes. sx and sy map data to pixels, f formats
// a pixel coordinate.
func (p *Plot) svgRegions(b *strings.Builder, x0, x1, y0, y1, ph float64, sx, sy func(float64) float64, f func(float64) string) {
	n := p.RegionGrid
	if n <= 0 {
		n = 60
	}
	rows := int(math.Ceil(ph / regionRowHeight))
	mid := func(r int) float64 { return y1 - float64((float64(r)+0.5)/float64(rows)*(y1-y0)) }
	edgeY := func(r int) float64 { return y1 - float64(float64(r)/float64(rows)*(y1-y0)) } // top edge of band r
	bands := make([][]regionSpan, rows)
	for r := range bands {
		bands[r] = p.regionRow(mid(r), x0, x1, n)
	}
	for start := 0; start < rows; {
		end := start + 1
		for end < rows && sameClasses(bands[start], bands[end]) {
			end++
		}
		for j, span := range bands[start] {
			if span.class < 0 {
				continue
			}
			left := p.regionEdge(bands[start:end], j, false, start, mid, edgeY, x0, x1, sx, sy)
			right := p.regionEdge(bands[start:end], j, true, start, mid, edgeY, x0, x1, sx, sy)
			var pts []string
			for _, q := range left {
				pts = append(pts, f(q[0])+","+f(q[1]))
			}
			for i := len(right) - 1; i >= 0; i-- {
				pts = append(pts, f(right[i][0])+","+f(right[i][1]))
			}
			col := regionPalette[span.class%len(regionPalette)]
			// The thin stroke of the fill's own colour hides the hairline
			// seam that anti-aliasing leaves between two polygons.
			fmt.Fprintf(b, `<polygon points="%s" fill="%s" stroke="%s" stroke-width="0.6" stroke-linejoin="round"/>`+"\n",
				strings.Join(pts, " "), col, col)
		}
		start = end
	}
}

// regionEdge returns, in pixels and from top to bottom, the left (or right)
// edge of span j across the bands of a strip that starts at band first: the
// boundary on each band's middle line, extended by half a band at both ends
// along the line through its two nearest points, and simplified.
func (p *Plot) regionEdge(strip [][]regionSpan, j int, right bool, first int, mid, edgeY func(int) float64, x0, x1 float64, sx, sy func(float64) float64) [][2]float64 {
	xs := make([]float64, len(strip))
	for i, band := range strip {
		xs[i] = band[j].x0
		if right {
			xs[i] = band[j].x1
		}
	}
	clamp := func(x float64) float64 { return math.Max(x0, math.Min(x1, x)) }
	topX, bottomX := xs[0], xs[len(xs)-1]
	if len(xs) > 1 { // half a band beyond the first and last middle lines
		topX = clamp(xs[0] + (xs[0]-xs[1])/2)
		bottomX = clamp(xs[len(xs)-1] + (xs[len(xs)-1]-xs[len(xs)-2])/2)
	}
	pts := [][2]float64{{sx(topX), sy(edgeY(first))}}
	for i, x := range xs {
		pts = append(pts, [2]float64{sx(x), sy(mid(first + i))})
	}
	pts = append(pts, [2]float64{sx(bottomX), sy(edgeY(first + len(xs)))})
	return simplify(pts, 0.1)
}

// simplify drops the points of a polyline that lie within tol pixels of the
// line through the points kept around them (Douglas–Peucker).
func simplify(pts [][2]float64, tol float64) [][2]float64 {
	if len(pts) <= 2 {
		return pts
	}
	a, b := pts[0], pts[len(pts)-1]
	far, farDist := 0, -1.0
	for i := 1; i < len(pts)-1; i++ {
		if d := segmentDistance(pts[i], a, b); d > farDist {
			far, farDist = i, d
		}
	}
	if farDist <= tol {
		return [][2]float64{a, b}
	}
	head := simplify(pts[:far+1], tol)
	return append(head[:len(head)-1], simplify(pts[far:], tol)...)
}

// segmentDistance is the distance from q to the segment a–b.
func segmentDistance(q, a, b [2]float64) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	length2 := float64(dx*dx) + float64(dy*dy)
	t := 0.0
	if length2 > 0 {
		t = math.Max(0, math.Min(1, (float64((q[0]-a[0])*dx)+float64((q[1]-a[1])*dy))/length2))
	}
	ex, ey := q[0]-(a[0]+float64(t*dx)), q[1]-(a[1]+float64(t*dy))
	return math.Sqrt(float64(ex*ex) + float64(ey*ey))
}

// svgRegionLegend writes a swatch and a name for each region class that has
// a name, below the series' entries, starting at slot.
func (p *Plot) svgRegionLegend(b *strings.Builder, lx, top float64, slot int, f func(float64) string) {
	for c, name := range p.RegionNames {
		if name == "" {
			continue
		}
		y := top + 10 + float64(slot)*20
		col := regionPalette[c%len(regionPalette)]
		fmt.Fprintf(b, `<rect x="%s" y="%s" width="20" height="12" fill="%s" stroke="#999" stroke-width="0.6"/>`+"\n", f(lx), f(y-6), col)
		fmt.Fprintf(b, `<text x="%s" y="%s" dominant-baseline="middle">%s</text>`+"\n", f(lx+26), f(y), html.EscapeString(name))
		slot++
	}
}
