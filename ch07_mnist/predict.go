package main

// Reading a digit from a picture a learner draws. A network trained on MNIST
// knows only MNIST's conventions, so the picture is brought to them, the way
// the MNIST digits themselves were made from scanned forms:
//
//  1. grey, with ink as high values: the background is whatever shade the
//     border has; if it is light, the picture is inverted;
//  2. cropped to the ink's bounding box;
//  3. scaled to fit a 20×20 box, keeping its proportions, each new pixel the
//     mean of the area of the picture it covers (antialiased);
//  4. placed in a 28×28 image so that its centre of mass is at the centre.

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	_ "image/gif" // register the decoders image.Decode may use
	_ "image/jpeg"
	_ "image/png"
	"io"
	"io/fs"
	"math"
	"sort"
	"strings"
)

const (
	side = 28 // MNIST images are side×side pixels
	box  = 20 // and the digit is scaled to fit box×box inside

	maxImageBytes  = 64 << 20   // bigger files are refused before decoding
	maxImagePixels = 25_000_000 // so are pictures of more pixels (5,000×5,000)

	// inkFloor is the share of the picture's contrast below which a pixel
	// counts as background: it keeps paper grain and JPEG noise out of the
	// bounding box.
	inkFloor = 0.15
	// minContrast is the least difference between the background and the
	// darkest ink for a picture to hold a drawing at all.
	minContrast = 0.1
	// maxBorderInk is the largest share of the picture's edge that may carry
	// ink: a digit touching the edge here and there is fine, a picture whose
	// edge is ink for a quarter of its length is not a digit on paper.
	maxBorderInk = 0.25
)

// bytes is the picture as MNIST stores its digits, one byte a pixel (0
// background, 255 full ink): what inputOf turns into the network's input,
// the same way as the images it trained on.
func (d *digit) bytes() []byte {
	b := make([]byte, len(d.pixels))
	for i, v := range d.pixels {
		b[i] = byte(math.Round(255 * v))
	}
	return b
}

// digit is a picture brought to MNIST's conventions, and what was done to it.
type digit struct {
	pixels        []float64       // side×side, row by row; 0 background, 1 full ink
	width, height int             // of the original picture
	canvas        string          // how the ink was found: "dark ink on light", …
	ink           image.Rectangle // the ink's bounding box in the original
	scaledW       int             // the size the ink was scaled to (at most box×box)
	scaledH       int
}

// decodeDigit reads a PNG, JPEG or GIF picture from b and prepares it. Every
// failure is an error saying what is wrong with the picture; it never panics,
// whatever the bytes.
func decodeDigit(b []byte) (*digit, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
	if errors.Is(err, image.ErrFormat) {
		return nil, errors.New("not a PNG, JPEG or GIF image; save your drawing as PNG")
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read this image (%v): the file is damaged or cut short; save it again", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, fmt.Errorf("the %s image is empty (%d×%d pixels)", strings.ToUpper(format), cfg.Width, cfg.Height)
	}
	if cfg.Width > maxImagePixels/cfg.Height {
		return nil, fmt.Errorf("%d×%d pixels is too large (at most 25 million pixels); scale it down first", cfg.Width, cfg.Height)
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("cannot read this %s image (%v): the file is damaged or cut short; save it again", strings.ToUpper(format), err)
	}
	return prepareDigit(img)
}

// readDigit is decodeDigit for a reader (a file), refusing files over
// maxImageBytes.
func readDigit(r io.Reader) (*digit, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxImageBytes+1))
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the caller names the file
		}
		return nil, fmt.Errorf("cannot read the file: %v", err)
	}
	if len(b) > maxImageBytes {
		return nil, fmt.Errorf("the file is over %d MB; an image of a digit needs far less", maxImageBytes>>20)
	}
	if len(b) == 0 {
		return nil, errors.New("the file is empty (0 bytes); save your drawing again")
	}
	return decodeDigit(b)
}

// prepareDigit brings a decoded picture to MNIST's conventions (steps 1–4
// at the top of this file).
func prepareDigit(img image.Image) (*digit, error) {
	bounds := img.Bounds()
	w, h := bounds.Dx(), bounds.Dy()
	if w <= 0 || h <= 0 {
		return nil, errors.New("the image is empty")
	}
	d := &digit{width: w, height: h}

	// 1. Grey, ink high.
	ink, canvas := inkLevels(img)
	d.canvas = canvas
	if !normalizeInk(ink, w, h) {
		return nil, errors.New("found no digit: the image is blank (the same shade all over); " +
			"draw a dark digit on a light background, or a light one on a dark background")
	}

	// A digit drawn on paper leaves a plain margin; random noise or a photo
	// has "ink" all along its edge.
	if busy := borderInk(ink, w, h); busy > maxBorderInk {
		return nil, fmt.Errorf("found no digit on plain paper: %.0f%% of the picture's edge looks like ink (noise, or a photo?); "+
			"draw one digit on a plain background, with a margin around it", 100*busy)
	}

	// 2. Crop to the ink's bounding box.
	d.ink = inkBox(ink, w, h)
	bw, bh := d.ink.Dx(), d.ink.Dy()

	// 3. Scale to fit box×box, keeping the proportions.
	scale := float64(box) / float64(max(bw, bh))
	d.scaledW = min(box, max(1, int(math.Round(float64(bw)*scale))))
	d.scaledH = min(box, max(1, int(math.Round(float64(bh)*scale))))
	small := resampleArea(ink, w, d.ink, d.scaledW, d.scaledH)

	// 4. Centre of mass to pixel (14, 14) of side×side, as in MNIST.
	cx, cy := centerOfMass(small, d.scaledW, d.scaledH)
	dx := int(math.Round(side/2 - cx))
	dy := int(math.Round(side/2 - cy))
	d.pixels = make([]float64, side*side)
	for y := range d.scaledH {
		for x := range d.scaledW {
			tx, ty := x+dx, y+dy
			if tx >= 0 && tx < side && ty >= 0 && ty < side {
				d.pixels[ty*side+tx] = min(1, small[y*d.scaledW+x]) // a mean of ones can round to 1+ε
			}
		}
	}
	return d, nil
}

// inkLevels returns one value per pixel that is high where there is ink:
//   - on a transparent canvas (a border mostly see-through), the opacity;
//   - otherwise the grey level (the picture laid on white), inverted when the
//     border is light, so that dark ink on white paper becomes bright ink on
//     black, as in MNIST.
//
// Values are in 0..1, float32 to halve the memory of a large photo.
func inkLevels(img image.Image) ([]float32, string) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	at := rgba64(img)
	// The border: the outermost ring of pixels.
	var alphaSum, greySum float64
	n := 0
	forBorder(w, h, func(x, y int) {
		c := at(b.Min.X+x, b.Min.Y+y)
		alphaSum += float64(c.A) / 0xffff
		greySum += grey(c)
		n++
	})
	transparent := alphaSum/float64(n) < 0.5
	light := greySum/float64(n) > 0.5

	ink := make([]float32, w*h)
	for y := range h {
		for x := range w {
			c := at(b.Min.X+x, b.Min.Y+y)
			var v float64
			switch {
			case transparent:
				v = float64(c.A) / 0xffff
			case light:
				v = 1 - grey(c)
			default:
				v = grey(c)
			}
			ink[y*w+x] = float32(v)
		}
	}
	switch {
	case transparent:
		return ink, "drawn on a transparent background (ink from opacity)"
	case light:
		return ink, "dark ink on a light background (inverted)"
	}
	return ink, "light ink on a dark background (as MNIST)"
}

// rgba64 returns a fast way to read a pixel: images of the standard library
// have RGBA64At, which does not allocate.
func rgba64(img image.Image) func(x, y int) color.RGBA64 {
	if fast, ok := img.(image.RGBA64Image); ok {
		return fast.RGBA64At
	}
	return func(x, y int) color.RGBA64 {
		r, g, b, a := img.At(x, y).RGBA()
		return color.RGBA64{uint16(r), uint16(g), uint16(b), uint16(a)}
	}
}

// grey is the luminance of c laid on white paper, in 0..1. The colour is
// premultiplied by its opacity, so a half-transparent black pixel on white
// is mid-grey.
func grey(c color.RGBA64) float64 {
	lum := (0.299*float64(c.R) + 0.587*float64(c.G) + 0.114*float64(c.B)) / 0xffff
	return min(1, lum+1-float64(c.A)/0xffff)
}

// forBorder calls f for each pixel of the outermost ring of a w×h image.
func forBorder(w, h int, f func(x, y int)) {
	for x := range w {
		f(x, 0)
		if h > 1 {
			f(x, h-1)
		}
	}
	for y := 1; y < h-1; y++ {
		f(0, y)
		if w > 1 {
			f(w-1, y)
		}
	}
}

// normalizeInk stretches the ink levels so that the background (the median
// of the border) becomes 0 and the strongest ink 1, with faint specks below
// inkFloor of the contrast set to 0. It reports false if the picture has
// no contrast worth the name: a blank page.
func normalizeInk(ink []float32, w, h int) bool {
	var border []float32
	forBorder(w, h, func(x, y int) { border = append(border, ink[y*w+x]) })
	sort.Slice(border, func(i, j int) bool { return border[i] < border[j] })
	bg := float64(border[len(border)/2])
	top := bg
	for _, v := range ink {
		top = max(top, float64(v))
	}
	if top-bg < minContrast {
		return false
	}
	lo := bg + inkFloor*(top-bg)
	for i, v := range ink {
		ink[i] = float32(max(0, min(1, (float64(v)-lo)/(top-lo))))
	}
	return true
}

// borderInk is the share of the picture's outermost ring of pixels that
// carries ink, once normalizeInk has set the background to 0.
func borderInk(ink []float32, w, h int) float64 {
	inked, n := 0, 0
	forBorder(w, h, func(x, y int) {
		if ink[y*w+x] > 0 {
			inked++
		}
		n++
	})
	return float64(inked) / float64(n)
}

// inkBox is the smallest rectangle holding every pixel with ink.
func inkBox(ink []float32, w, h int) image.Rectangle {
	x0, y0, x1, y1 := w, h, 0, 0
	for y := range h {
		for x := range w {
			if ink[y*w+x] > 0 {
				x0, y0 = min(x0, x), min(y0, y)
				x1, y1 = max(x1, x+1), max(y1, y+1)
			}
		}
	}
	return image.Rect(x0, y0, x1, y1)
}

// resampleArea scales the part r of the w-wide image src to ow×oh pixels.
// Each new pixel is the mean of src over the area it covers, pixels cut by
// its edges counted in proportion: the box filter, which blurs just enough
// not to alias when shrinking. It works one direction at a time (rows, then
// columns), which gives the same means.
func resampleArea(src []float32, w int, r image.Rectangle, ow, oh int) []float64 {
	bw, bh := r.Dx(), r.Dy()
	wx, wy := areaWeights(bw, ow), areaWeights(bh, oh)
	// Across: bh rows of ow.
	across := make([]float64, bh*ow)
	for y := range bh {
		row := src[(r.Min.Y+y)*w+r.Min.X:]
		for k, ws := range wx {
			s := 0.0
			for _, t := range ws {
				s += t.w * float64(row[t.i])
			}
			across[y*ow+k] = s
		}
	}
	// Down: oh rows of ow.
	out := make([]float64, oh*ow)
	for k, ws := range wy {
		for _, t := range ws {
			for x := range ow {
				out[k*ow+x] += t.w * across[t.i*ow+x]
			}
		}
	}
	return out
}

// weight is a source index and its share of one target pixel.
type weight struct {
	i int
	w float64
}

// areaWeights spreads n source pixels over m target pixels: target k covers
// the source interval [k·n/m, (k+1)·n/m), and each source pixel it overlaps
// gets the length of the overlap divided by the interval's length.
func areaWeights(n, m int) [][]weight {
	out := make([][]weight, m)
	step := float64(n) / float64(m)
	for k := range m {
		lo, hi := float64(k)*step, float64(k+1)*step
		for i := int(lo); i < n && float64(i) < hi; i++ {
			overlap := min(hi, float64(i+1)) - max(lo, float64(i))
			if overlap > 0 {
				out[k] = append(out[k], weight{i, overlap / step})
			}
		}
	}
	return out
}

// centerOfMass returns the ink-weighted mean position of a w×h image, in
// pixel indexes: ink only at pixel (3, 1) gives (3, 1). MNIST placed every
// digit's centre of mass on pixel (14, 14) of its 28×28 field (over the
// bundled sample the mean is (14.0, 14.0), every one within half a pixel).
// An image with no ink returns its middle, ((w−1)/2, (h−1)/2).
func centerOfMass(img []float64, w, h int) (cx, cy float64) {
	var sum, sx, sy float64
	for y := range h {
		for x := range w {
			v := img[y*w+x]
			sum += v
			sx += v * float64(x)
			sy += v * float64(y)
		}
	}
	if sum == 0 {
		return float64(w-1) / 2, float64(h-1) / 2
	}
	return sx / sum, sy / sum
}

// topK returns the indexes of the k largest values, largest first; equal
// values keep their order (the lower index first).
func topK(v []float64, k int) []int {
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return v[idx[a]] > v[idx[b]] })
	return idx[:max(0, min(k, len(idx)))]
}
