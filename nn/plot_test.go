package nn

import (
	"bytes"
	"encoding/xml"
	"io"
	"math"
	"strings"
	"testing"
)

func TestTicksAreNice(t *testing.T) {
	if g := ticks(0, 10, 5); len(g) != 6 || g[1] != 2 || g[5] != 10 {
		t.Errorf("ticks(0, 10, 5) = %v, want 0 2 4 6 8 10", g)
	}
	for _, v := range ticks(-0.3, 1.27, 5) {
		if v < -0.3 || v > 1.27 {
			t.Errorf("tick %g outside [-0.3, 1.27]", v)
		}
		if s := tickLabel(v); len(s) > 4 {
			t.Errorf("tick label %q: want a short round number", s)
		}
	}
}

func TestSVGIsWellFormed(t *testing.T) {
	p := Plot{
		Title: "a <title> & more", XLabel: "x", YLabel: "y",
		Series: []Series{
			{Name: "line", X: []float64{0, 1, 2}, Y: []float64{1, 0, math.NaN()}},
			{Name: "points", X: []float64{0.5}, Y: []float64{0.5}, Points: true},
		},
		Regions: func(x, y float64) int {
			if x > y {
				return 0
			}
			return 1
		},
		RegionGrid: 4,
	}
	var buf bytes.Buffer
	if err := p.SVG(&buf); err != nil {
		t.Fatal(err)
	}
	dec := xml.NewDecoder(&buf)
	for {
		_, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
	}
	var again bytes.Buffer
	p.SVG(&again)
	if s := again.String(); !strings.Contains(s, "&lt;title&gt;") || strings.Contains(s, "NaN") {
		t.Error("title not escaped, or NaN written into the SVG")
	}
}
