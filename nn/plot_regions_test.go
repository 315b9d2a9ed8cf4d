package nn

import (
	"bytes"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// polygons returns the vertices of every <polygon> of an SVG, in pixels.
func polygons(t *testing.T, svg string) [][][2]float64 {
	t.Helper()
	var out [][][2]float64
	for _, m := range regexp.MustCompile(`<polygon points="([^"]*)"`).FindAllStringSubmatch(svg, -1) {
		var poly [][2]float64
		for _, pt := range strings.Fields(m[1]) {
			xy := strings.Split(pt, ",")
			x, err1 := strconv.ParseFloat(xy[0], 64)
			y, err2 := strconv.ParseFloat(xy[1], 64)
			if len(xy) != 2 || err1 != nil || err2 != nil {
				t.Fatalf("bad polygon point %q", pt)
			}
			poly = append(poly, [2]float64{x, y})
		}
		out = append(out, poly)
	}
	return out
}

func regionSVG(t *testing.T, p Plot) string {
	t.Helper()
	var b bytes.Buffer
	if err := p.SVG(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// A straight boundary is drawn as a straight edge: two polygons of a few
// vertices each, every vertex either on the border of the plot or within a
// fifth of a pixel of the true line, where a sampled grid would leave a
// staircase of cells.
func TestRegionsFollowAStraightBoundary(t *testing.T) {
	p := Plot{
		XMin: 0, XMax: 1, YMin: 0, YMax: 1,
		Regions: func(x, y float64) int {
			if 0.7*x-0.4*y > 0.1 {
				return 1
			}
			return 0
		},
		RegionGrid:  8,
		RegionNames: []string{"says 0", "says 1"},
	}
	svg := regionSVG(t, p)
	polys := polygons(t, svg)
	if len(polys) != 2 {
		t.Fatalf("%d polygons for two half-planes, want 2", len(polys))
	}
	// The plot area of SVG: x from 64 to 490, y from 36 to 368 (see Plot.SVG).
	const left, right, top, bottom = 64.0, 490.0, 36.0, 368.0
	toData := func(q [2]float64) (x, y float64) {
		return (q[0] - left) / (right - left), (bottom - q[1]) / (bottom - top)
	}
	for i, poly := range polys {
		if len(poly) > 6 {
			t.Errorf("polygon %d has %d vertices for a region bounded by one straight line: want a few", i, len(poly))
		}
		for _, q := range poly {
			onBorder := math.Abs(q[0]-left) < 0.06 || math.Abs(q[0]-right) < 0.06 || math.Abs(q[1]-top) < 0.06 || math.Abs(q[1]-bottom) < 0.06
			x, y := toData(q)
			// Distance in pixels from the line 0.7x − 0.4y = 0.1.
			gx, gy := 0.7/(right-left), -0.4/(bottom-top) // gradient of the line's function per pixel
			dist := math.Abs(0.7*x-0.4*y-0.1) / math.Hypot(gx, gy)
			if !onBorder && dist > 0.2 {
				t.Errorf("polygon %d has vertex %v, %.2f px from the boundary", i, q, dist)
			}
		}
	}
	for _, want := range []string{">says 0</text>", ">says 1</text>", `fill="#c6dbef" stroke="#999"`} {
		if !strings.Contains(svg, want) {
			t.Errorf("the legend lacks %q", want)
		}
	}
}

// Class −1 is left unshaded, and a region that appears only in part of the
// plot (here a disc) gets its own polygons.
func TestRegionsSkipNoneAndTraceCurves(t *testing.T) {
	p := Plot{
		XMin: -1, XMax: 1, YMin: -1, YMax: 1,
		Regions: func(x, y float64) int {
			if x*x+y*y < 0.25 {
				return 2
			}
			return -1
		},
	}
	polys := polygons(t, regionSVG(t, p))
	if len(polys) != 1 {
		t.Fatalf("%d polygons for one disc and no other region, want 1", len(polys))
	}
	// The disc of radius 0.5 spans 106.5 px across the 426-px plot area.
	minX, maxX := math.Inf(1), math.Inf(-1)
	for _, q := range polys[0] {
		minX, maxX = math.Min(minX, q[0]), math.Max(maxX, q[0])
	}
	if w := maxX - minX; math.Abs(w-213) > 1.5 {
		t.Errorf("the disc is %.1f px wide, want about 213", w)
	}
}

func TestSimplify(t *testing.T) {
	line := [][2]float64{{0, 0}, {1, 1.01}, {2, 2}, {3, 3.02}, {4, 4}}
	if got := simplify(line, 0.1); len(got) != 2 {
		t.Errorf("simplify kept %d points of a nearly straight line, want 2: %v", len(got), got)
	}
	corner := [][2]float64{{0, 0}, {1, 0}, {2, 0}, {2, 1}, {2, 2}}
	if got := simplify(corner, 0.1); len(got) != 3 || got[1] != [2]float64{2, 0} {
		t.Errorf("simplify on a corner = %v, want the corner kept", got)
	}
}
