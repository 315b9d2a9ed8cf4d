package main

import (
	"fmt"
	"html"
	"io"
	"math"
	"strings"

	"nnfromscratch/nn"
)

// histogram counts values in equal bins between lo and hi. Values below lo
// count in the first bin and values above hi in the last, so that nothing
// disappears off the edge; with skipZeros, values exactly 0 (a ReLU's
// silent units) are counted apart.
type histogram struct {
	lo, hi    float64
	counts    []int
	skipZeros bool
	zeros     int // values exactly 0, when skipZeros
	n         int // every value seen, zeros included
	sum, sq   float64
}

func newHistogram(lo, hi float64, bins int, skipZeros bool) *histogram {
	return &histogram{lo: lo, hi: hi, counts: make([]int, bins), skipZeros: skipZeros}
}

// add counts every value of m.
func (h *histogram) add(m nn.Matrix) {
	bins := len(h.counts)
	for _, row := range m {
		for _, v := range row {
			h.n++
			h.sum += v
			h.sq += v * v
			if h.skipZeros && v == 0 {
				h.zeros++
				continue
			}
			i := int((v - h.lo) / (h.hi - h.lo) * float64(bins))
			h.counts[min(max(i, 0), bins-1)]++
		}
	}
}

// std is the standard deviation of every value seen, zeros included.
func (h *histogram) std() float64 {
	n := float64(h.n)
	mean := h.sum / n
	return math.Sqrt(math.Max(0, h.sq/n-mean*mean))
}

// tallest is the largest count of a bin.
func (h *histogram) tallest() int {
	t := 0
	for _, c := range h.counts {
		t = max(t, c)
	}
	return t
}

// sparkBlocks are the eight heights a bar can have in a terminal.
var sparkBlocks = []rune("▁▂▃▄▅▆▇█")

// spark draws the histogram as one line of characters, one per bin: a
// blank for an empty bin, else a block as tall as the bin's count allows,
// scaled so that the tallest bin is a full block. Rounding up makes every
// non-empty bin visible.
func (h *histogram) spark() string {
	top := h.tallest()
	var b strings.Builder
	for _, c := range h.counts {
		if c == 0 {
			b.WriteByte(' ')
			continue
		}
		level := (8*c + top - 1) / top // ⌈8·c/top⌉, 1 … 8
		b.WriteRune(sparkBlocks[level-1])
	}
	return b.String()
}

// histogramGrid is a figure of many histograms in rows and columns, as an
// SVG: one small bar chart per cell, each scaled to its own tallest bar.
type histogramGrid struct {
	title              string
	rowNames, colNames []string
	cells              [][]*histogram // [row][column]
	axis               [3]string      // labels under the left edge, middle and right edge of each bottom cell
	note               string         // one line under the grid
}

// The grid's geometry, in pixels: integers, so that every coordinate is
// computed exactly, the same on every machine.
const (
	gridLeft, gridTop   = 150, 64
	gridBar, gridCellH  = 7, 54
	gridGapX, gridGapY  = 14, 22
	gridRight, gridFoot = 20, 56
)

// SVG writes the grid as a standalone SVG image.
func (g *histogramGrid) SVG(w io.Writer) error {
	bins := len(g.cells[0][0].counts)
	cellW := bins * gridBar
	cols, rows := len(g.colNames), len(g.rowNames)
	width := gridLeft + cols*cellW + (cols-1)*gridGapX + gridRight
	height := gridTop + rows*gridCellH + (rows-1)*gridGapY + gridFoot
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n",
		width, height, width, height)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(&b, `<text x="%d" y="22" text-anchor="middle" font-size="15">%s</text>`+"\n", width/2, html.EscapeString(g.title))
	for c, name := range g.colNames {
		x := gridLeft + c*(cellW+gridGapX) + cellW/2
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">%s</text>`+"\n", x, gridTop-10, html.EscapeString(name))
	}
	for r, name := range g.rowNames {
		top := gridTop + r*(gridCellH+gridGapY)
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" dominant-baseline="middle">%s</text>`+"\n",
			gridLeft-10, top+gridCellH/2, html.EscapeString(name))
		for c := range g.colNames {
			h := g.cells[r][c]
			left := gridLeft + c*(cellW+gridGapX)
			base := top + gridCellH
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="#f4f4f4"/>`+"\n", left, top, cellW, gridCellH)
			tallest := h.tallest()
			for i, count := range h.counts {
				if count == 0 {
					continue
				}
				bar := float64(gridCellH) * float64(count) / float64(tallest)
				fmt.Fprintf(&b, `<rect x="%d" y="%.1f" width="%d" height="%.1f" fill="%s"/>`+"\n",
					left+i*gridBar, float64(base)-bar, gridBar-1, bar, nn.Palette[0])
			}
			fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#333"/>`+"\n", left, base, left+cellW, base)
			if r == rows-1 {
				for k, anchor := range []string{"start", "middle", "end"} {
					x := left + k*cellW/2
					fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="%s" font-size="11">%s</text>`+"\n",
						x, base+15, anchor, html.EscapeString(g.axis[k]))
				}
			}
		}
	}
	if g.note != "" {
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" font-size="11" fill="#555">%s</text>`+"\n",
			width/2, height-14, html.EscapeString(g.note))
	}
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}
