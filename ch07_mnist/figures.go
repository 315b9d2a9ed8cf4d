package main

// The pictures of what the network learned: the first layer's weights, the
// confusion matrix and the worst mistakes. -svg DIR writes them at the end of
// a training run, and the drawing page (-serve) shows the same ones, drawn by
// the same functions, for the network as it is at that moment.
//
// Like every figure of the course they are plain text in, plain text out:
// the same network gives the same bytes on every machine. Pixels go in as
// PNG pictures written by hand without compression (rawpng.go), and every
// product that is added to something is rounded first (float64(…)), so that
// no CPU fuses the two (arm64 does; see nn/plot.go).

import (
	"encoding/base64"
	"fmt"
	"html"
	"image/color"
	"io"
	"math"
	"slices"
	"strings"

	"nnfromscratch/nn"
)

// The figures -svg DIR writes, besides curvesFile.
const (
	weightsFile   = "ch07_weights.svg"
	confusionFile = "ch07_confusion.svg"
	mistakesFile  = "ch07_mistakes.svg"
)

// figureFiles lists every figure a training run writes, and augmentFile
// the one it writes under -augment besides.
var figureFiles = []string{curvesFile, weightsFile, confusionFile, mistakesFile}

// figures lists the figures this run writes under -svg, in the order it
// writes them.
func (c *config) figures() []string {
	if c.augment {
		return append(slices.Clone(figureFiles), augmentFile)
	}
	return figureFiles
}

// maxTiles is how many of the first layer's units the weights figure shows.
const maxTiles = 64

// learnedFigures are the three pictures of what net learned, from its
// verdict ev on the test images te.
func learnedFigures(net *nn.MLP, ev *evaluation, te *split, names []string) []figure {
	classes := net.Sizes[len(net.Sizes)-1]
	return []figure{
		{weightsFile, "the first layer's weights", weightsSVG(net, te.images.Rows, te.images.Cols)},
		{confusionFile, "the confusion matrix", confusionSVG(confusionMatrix(ev.pred, te.labels, classes), names)},
		{mistakesFile, "the worst mistakes", mistakesSVG(te, worstMistakes(ev, te.labels, mistakesShown), ev, names)},
	}
}

// svgHead opens a figure: the root element, a white background and the title.
func svgHead(b *strings.Builder, width, height int, title string) {
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n",
		width, height, width, height)
	fmt.Fprintf(b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(b, `<text x="%d" y="24" text-anchor="middle" font-size="15">%s</text>`+"\n", width/2, html.EscapeString(title))
}

// svgImage places a PNG picture, its pixels scale×scale squares (a browser
// would otherwise blur them).
func svgImage(b *strings.Builder, x, y, w, h, scale int, png []byte) {
	fmt.Fprintf(b, `<image x="%d" y="%d" width="%d" height="%d" style="image-rendering:pixelated" href="data:image/png;base64,%s"/>`+"\n",
		x, y, w*scale, h*scale, base64.StdEncoding.EncodeToString(png))
}

// finish closes the figure and writes it.
func finish(w io.Writer, b *strings.Builder) error {
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// ---- The first layer's weights -------------------------------------------

// The diverging colour scale of the weights: blue for negative, white for 0,
// red for positive (ColorBrewer's RdBu, from its darkest blue to its
// darkest red).
var divergingAnchors = []color.RGBA{
	{0x05, 0x30, 0x61, 255}, {0x21, 0x66, 0xac, 255}, {0x43, 0x93, 0xc3, 255}, {0x92, 0xc5, 0xde, 255},
	{0xd1, 0xe5, 0xf0, 255}, {0xf7, 0xf7, 0xf7, 255}, {0xfd, 0xdb, 0xc7, 255}, {0xf4, 0xa5, 0x82, 255},
	{0xd6, 0x60, 0x4d, 255}, {0xb2, 0x18, 0x2b, 255}, {0x67, 0x00, 0x1f, 255},
}

// weightLevels is how many shades each side of 0 the scale has.
const weightLevels = 40

// divergingPalette is the weights picture's palette: index 0 the white
// between the tiles, then the scale from −1 (index 1) through 0 (index
// weightLevels+1) to +1 (index 2·weightLevels+1).
var divergingPalette = func() []color.RGBA {
	p := []color.RGBA{{255, 255, 255, 255}}
	for k := -weightLevels; k <= weightLevels; k++ {
		p = append(p, diverging(float64(k)/weightLevels))
	}
	return p
}()

// diverging is the colour of v in −1..1 on the scale.
func diverging(v float64) color.RGBA {
	pos := float64((v + 1) / 2 * float64(len(divergingAnchors)-1))
	i := min(int(pos), len(divergingAnchors)-2)
	return mix(divergingAnchors[i], divergingAnchors[i+1], pos-float64(i))
}

// mix is the colour a fraction t of the way from a to b.
func mix(a, b color.RGBA, t float64) color.RGBA {
	ch := func(x, y uint8) uint8 {
		return uint8(math.Round(float64(x) + float64(t*(float64(y)-float64(x)))))
	}
	return color.RGBA{ch(a.R, b.R), ch(a.G, b.G), ch(a.B, b.B), 255}
}

func hexColor(c color.RGBA) string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }

// weightsSVG draws the first Dense layer's weights: unit j of that layer
// computes the sum Σ w_ij·x_i over the pixels x_i, so its column of weights,
// laid out as the rows×cols image, shows which ink raises the sum (red) and
// which lowers it (blue). One tile per unit, for the first maxTiles units,
// on one colour scale from −m to +m, m the largest |w| shown.
func weightsSVG(net *nn.MLP, rows, cols int) func(io.Writer) error {
	return func(w io.Writer) error {
		weights := net.Dense()[0].W // pixels × units
		units := weights.Cols()
		shown := min(units, maxTiles)
		m := 0.0
		for _, row := range weights {
			for _, v := range row[:shown] {
				m = max(m, math.Abs(v))
			}
		}
		if m == 0 {
			m = 1 // all zero: any scale shows it
		}

		// One picture holds every tile, a gap of white between them.
		const gap = 2
		across := int(math.Ceil(math.Sqrt(float64(shown))))
		down := (shown + across - 1) / across
		pw, ph := across*cols+(across-1)*gap, down*rows+(down-1)*gap
		pix := make([]byte, pw*ph) // 0: white
		for j := range shown {
			tx, ty := (j%across)*(cols+gap), (j/across)*(rows+gap)
			for i, row := range weights {
				level := int(math.Round(row[j] / m * weightLevels)) // −40..40
				pix[(ty+i/cols)*pw+tx+i%cols] = byte(level + weightLevels + 1)
			}
		}
		scale := max(1, 714/pw)

		const left, top = 20, 62
		width, height := left+pw*scale+150, top+ph*scale+20
		title := fmt.Sprintf("The first layer's weights: a tile for each of its %d units", units)
		if shown < units {
			title = fmt.Sprintf("The first layer's weights: a tile for each of the first %d of its %d units", shown, units)
		}
		var b strings.Builder
		svgHead(&b, width, height, title)
		fmt.Fprintf(&b, `<text x="%d" y="44" text-anchor="middle" fill="#444">each tile: a unit's %d weights, one per pixel; red: ink there raises its sum, blue: ink there lowers it</text>`+"\n",
			width/2, rows*cols)
		svgImage(&b, left, top, pw, ph, scale, storedPNG(pw, ph, pix, divergingPalette))
		for j := range shown {
			x, y := left+(j%across)*(cols+gap)*scale, top+(j/across)*(rows+gap)*scale
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#bbb" stroke-width="0.5"/>`+"\n",
				x, y, cols*scale, rows*scale)
		}

		// The legend: the scale as a bar, −m at the bottom, +m at the top.
		lx, ly, lh := left+pw*scale+40, top+20, min(300, ph*scale-40)
		b.WriteString(`<defs><linearGradient id="scale" x1="0" y1="1" x2="0" y2="0">`)
		for i, c := range divergingAnchors {
			fmt.Fprintf(&b, `<stop offset="%d%%" stop-color="%s"/>`, 10*i, hexColor(c))
		}
		b.WriteString("</linearGradient></defs>\n")
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="18" height="%d" fill="url(#scale)" stroke="#888" stroke-width="0.5"/>`+"\n", lx, ly, lh)
		for _, t := range []struct {
			y    int
			text string
		}{{ly, fmt.Sprintf("+%.2g", m)}, {ly + lh/2, "0"}, {ly + lh, fmt.Sprintf("−%.2g", m)}} {
			fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#888"/>`+"\n", lx+18, t.y, lx+23, t.y)
			fmt.Fprintf(&b, `<text x="%d" y="%d" dominant-baseline="middle">%s</text>`+"\n", lx+27, t.y, t.text)
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d">weight</text>`+"\n", lx-4, ly-10)
		return finish(w, &b)
	}
}

// ---- The confusion matrix --------------------------------------------------

// The two scales of the confusion matrix: the diagonal (right answers) in
// blue, from light for half the row right (or less) to dark for all of it;
// the mistakes in orange, darker as the cell is a more frequent mistake.
var (
	rightLight, rightDark = color.RGBA{0xef, 0xf3, 0xff, 255}, color.RGBA{0x21, 0x71, 0xb5, 255}
	wrongLight, wrongDark = color.RGBA{0xfe, 0xe6, 0xce, 255}, color.RGBA{0xd9, 0x48, 0x01, 255}
)

// confusionSVG draws the confusion matrix as a heat map with the counts:
// row i, column j holds the test images of class i the network called j.
// Each row's share of right answers is written at its end.
func confusionSVG(cm [][]int, names []string) func(io.Writer) error {
	return func(w io.Writer) error {
		n := len(cm)
		total, mostWrong := 0, 0
		for i, row := range cm {
			for j, v := range row {
				total += v
				if i != j {
					mostWrong = max(mostWrong, v)
				}
			}
		}
		label := 0 // the widest row label, in characters
		for i := range n {
			label = max(label, len([]rune(className(i, names))))
		}
		const cell, top = 40, 84
		left := max(100, 40+7*label)
		width, height := left+n*cell+90, top+n*cell+70

		var b strings.Builder
		svgHead(&b, width, height, fmt.Sprintf("Confusion matrix: the %s test images", nn.Thousands(total)))
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">what the network said →</text>`+"\n", left+n*cell/2, top-32)
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end">the truth ↓</text>`+"\n", left-8, top-10)
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">right</text>`+"\n", left+n*cell+45, top-10)
		for j := range n {
			fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">%d</text>`+"\n", left+j*cell+cell/2, top-10, j)
		}
		for i, row := range cm {
			y := top + i*cell
			fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" dominant-baseline="middle">%s</text>`+"\n",
				left-8, y+cell/2, html.EscapeString(className(i, names)))
			rowTotal := 0
			for _, v := range row {
				rowTotal += v
			}
			for j, v := range row {
				x := left + j*cell
				fill, ink := color.RGBA{255, 255, 255, 255}, "#222"
				var t float64
				switch {
				case i == j && rowTotal > 0: // half the row right or less: the lightest blue
					t = max(0, 2*float64(v)/float64(rowTotal)-1)
					fill = mix(rightLight, rightDark, t)
				case i != j && v > 0:
					t = float64(v) / float64(mostWrong)
					fill = mix(wrongLight, wrongDark, t)
				}
				if t > 0.55 {
					ink = "white"
				}
				fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s" stroke="#ddd"/>`+"\n", x, y, cell, cell, hexColor(fill))
				if v > 0 {
					fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" dominant-baseline="middle" fill="%s">%d</text>`+"\n",
						x+cell/2, y+cell/2, ink, v)
				}
			}
			if rowTotal > 0 {
				fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" dominant-baseline="middle">%.1f%%</text>`+"\n",
					left+n*cell+45, y+cell/2, 100*float64(row[i])/float64(rowTotal))
			}
		}
		for k, line := range []string{"blue: the right answers, darker as more of the row is right",
			"orange: the mistakes, darker as they are more frequent"} {
			fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" fill="#444">%s</text>`+"\n", left+n*cell/2, top+n*cell+28+18*k, line)
		}
		return finish(w, &b)
	}
}

// ---- The worst mistakes --------------------------------------------------

// mistakesSVG draws the test images worst, each with what it is, what the
// network said and how sure it was: ink dark on white, as it was written.
func mistakesSVG(te *split, worst []int, ev *evaluation, names []string) func(io.Writer) error {
	return func(w io.Writer) error {
		rows, cols := te.images.Rows, te.images.Cols
		const scale, column, left, top = 4, 150, 10, 50
		width, height := max(2*left+len(worst)*column, 480), top+rows*scale+56

		var b strings.Builder
		svgHead(&b, width, height, "The test images the network got wrong most confidently")
		if len(worst) == 0 {
			fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">None: every test image is right.</text>`+"\n", width/2, top+40)
			return finish(w, &b)
		}
		for k, i := range worst {
			pix := make([]byte, rows*cols)
			for p, v := range te.images.Image(i) {
				pix[p] = 255 - v // ink dark on white paper
			}
			x := left + k*column + (column-cols*scale)/2
			svgImage(&b, x, top, cols, rows, scale, storedPNG(cols, rows, pix, nil))
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#bbb"/>`+"\n", x, top, cols*scale, rows*scale)
			cx, cy := left+k*column+column/2, top+rows*scale+20
			fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">#%d: %s</text>`+"\n", cx, cy, i, html.EscapeString(aClass(te.labels[i], names)))
			fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" fill="#c03000">said %s, %.0f%% sure</text>`+"\n",
				cx, cy+18, html.EscapeString(className(ev.pred[i], names)), 100*ev.confidence[i])
		}
		return finish(w, &b)
	}
}
