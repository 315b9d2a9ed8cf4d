package main

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/draw"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math"
	"strings"
	"testing"
)

// drawL paints a thick L inside r: a bar down the left side and a foot
// along the bottom, so its corner is at the bottom left.
func drawL(img draw.Image, r image.Rectangle, thick int, ink color.Color) {
	src := image.NewUniform(ink)
	draw.Draw(img, image.Rect(r.Min.X, r.Min.Y, r.Min.X+thick, r.Max.Y), src, image.Point{}, draw.Src)
	draw.Draw(img, image.Rect(r.Min.X, r.Max.Y-thick, r.Max.X, r.Max.Y), src, image.Point{}, draw.Src)
}

// canvas returns a w×h picture filled with paper.
func canvas(w, h int, paper color.Color) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.NewUniform(paper), image.Point{}, draw.Src)
	return img
}

func encodePNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// lDigit is a 200×300 picture with a black L on white, far off-centre
// (in the top-left part), 60 wide and 100 tall.
func lDigit() *image.RGBA {
	img := canvas(200, 300, color.White)
	drawL(img, image.Rect(10, 20, 70, 120), 14, color.Black)
	return img
}

// checkMNISTForm asserts what prepareDigit promises: ink bright on a zero
// background, the ink's box at most 20×20 with its long side 20, the centre
// of mass within a pixel of (14, 14), and the L's corner still bottom-left.
func checkMNISTForm(t *testing.T, what string, d *digit) {
	t.Helper()
	if len(d.pixels) != side*side {
		t.Fatalf("%s: %d pixels, want %d", what, len(d.pixels), side*side)
	}
	top := 0.0
	var area image.Rectangle // empty: Union grows it
	for y := range side {
		for x := range side {
			v := d.pixels[y*side+x]
			if math.IsNaN(v) || v < 0 || v > 1 {
				t.Fatalf("%s: pixel (%d, %d) = %v, outside 0..1", what, x, y, v)
			}
			top = max(top, v)
			if v > 0.1 {
				area = area.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	if top < 0.99 {
		t.Errorf("%s: the strongest ink is %.2f, want 1 (ink as high values)", what, top)
	}
	for _, corner := range []int{0, side - 1, side * (side - 1), side*side - 1} {
		if d.pixels[corner] != 0 {
			t.Errorf("%s: the background is %.2f at a corner, want 0", what, d.pixels[corner])
		}
	}
	if area.Dx() > box || area.Dy() > box || max(area.Dx(), area.Dy()) < box-1 {
		t.Errorf("%s: the ink spans %d×%d pixels, want its longer side %d (fitted to %d×%d)", what, area.Dx(), area.Dy(), box, box, box)
	}
	cx, cy := centerOfMass(d.pixels, side, side)
	if math.Abs(cx-14) > 1 || math.Abs(cy-14) > 1 {
		t.Errorf("%s: centre of mass at (%.2f, %.2f), want within 1 pixel of (14, 14)", what, cx, cy)
	}
	at := func(x, y int) float64 { return d.pixels[y*side+x] }
	if at(area.Min.X+1, area.Max.Y-2) < 0.5 || at(area.Max.X-2, area.Min.Y+1) > 0.1 {
		t.Errorf("%s: the L's corner is not at the bottom left any more:\n%s", what, digitArt(d))
	}
}

func digitArt(d *digit) string {
	var sb strings.Builder
	asciiFull(&sb, d.pixels, side, side)
	return sb.String()
}

func TestPreprocessOffCentre(t *testing.T) {
	d, err := decodeDigit(encodePNG(t, lDigit()))
	if err != nil {
		t.Fatal(err)
	}
	checkMNISTForm(t, "black L on white, off-centre", d)
	if d.width != 200 || d.height != 300 || d.ink != image.Rect(10, 20, 70, 120) || d.scaledW != 12 || d.scaledH != 20 {
		t.Errorf("size %d×%d, ink box %v, scaled to %d×%d; want 200×300, (10,20)-(70,120), 12×20",
			d.width, d.height, d.ink, d.scaledW, d.scaledH)
	}
	if !strings.Contains(d.canvas, "inverted") {
		t.Errorf("dark ink on white paper was not inverted: %q", d.canvas)
	}
}

// The same L in other inks and papers comes out the same.
func TestPreprocessPolarityAndColour(t *testing.T) {
	want, err := decodeDigit(encodePNG(t, lDigit()))
	if err != nil {
		t.Fatal(err)
	}
	lightOnDark := canvas(200, 300, color.Black)
	drawL(lightOnDark, image.Rect(10, 20, 70, 120), 14, color.White)

	colour := canvas(200, 300, color.RGBA{255, 230, 0, 255}) // yellow paper
	drawL(colour, image.Rect(10, 20, 70, 120), 14, color.RGBA{0, 0, 139, 255})

	transparent := image.NewNRGBA(image.Rect(0, 0, 200, 300)) // see-through canvas
	drawL(transparent, image.Rect(10, 20, 70, 120), 14, color.NRGBA{200, 0, 0, 255})

	grey := image.NewGray(image.Rect(0, 0, 200, 300))
	draw.Draw(grey, grey.Bounds(), image.NewUniform(color.Gray{230}), image.Point{}, draw.Src)
	drawL(grey, image.Rect(10, 20, 70, 120), 14, color.Gray{40})
	grey.SetGray(150, 250, color.Gray{215}) // a speck of dust, fainter than the floor

	// A picture whose bounds do not start at (0, 0), as a cropped GIF frame's may.
	shifted := image.NewRGBA(image.Rect(-50, 40, 150, 340))
	draw.Draw(shifted, shifted.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	drawL(shifted, image.Rect(-40, 60, 20, 160), 14, color.Black)

	cases := []struct {
		what string
		img  image.Image
	}{
		{"white L on black", lightOnDark},
		{"dark blue L on yellow", colour},
		{"red L on a transparent canvas", transparent},
		{"dark grey L on light grey, with a speck", grey},
		{"bounds not at (0, 0)", shifted},
	}
	for _, c := range cases {
		var d *digit
		var err error
		if c.what == "bounds not at (0, 0)" {
			d, err = prepareDigit(c.img) // PNG would move the origin to (0, 0)
		} else {
			d, err = decodeDigit(encodePNG(t, c.img))
		}
		if err != nil {
			t.Errorf("%s: %v", c.what, err)
			continue
		}
		checkMNISTForm(t, c.what, d)
		if diff := maxDiff(d.pixels, want.pixels); diff > 0.02 {
			t.Errorf("%s: differs from the black L on white by up to %.3f", c.what, diff)
		}
	}
}

func maxDiff(a, b []float64) float64 {
	m := 0.0
	for i := range a {
		m = max(m, math.Abs(a[i]-b[i]))
	}
	return m
}

// JPEG and GIF go the same way; a tiny picture is scaled up.
func TestPreprocessFormatsAndSizes(t *testing.T) {
	var jpg, gf bytes.Buffer
	if err := jpeg.Encode(&jpg, lDigit(), &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	if err := gif.Encode(&gf, lDigit(), nil); err != nil {
		t.Fatal(err)
	}
	tiny := canvas(9, 12, color.White)
	drawL(tiny, image.Rect(2, 2, 7, 10), 2, color.Black)
	for what, b := range map[string][]byte{"JPEG": jpg.Bytes(), "GIF": gf.Bytes(), "a 9×12 PNG": encodePNG(t, tiny)} {
		d, err := decodeDigit(b)
		if err != nil {
			t.Errorf("%s: %v", what, err)
			continue
		}
		checkMNISTForm(t, what, d)
	}
}

func TestPreprocessErrors(t *testing.T) {
	white := canvas(40, 40, color.White)
	mid := canvas(40, 40, color.Gray{128})
	faint := canvas(40, 40, color.White)
	drawL(faint, image.Rect(5, 5, 30, 35), 5, color.Gray{250}) // 2% darker than the paper
	good := encodePNG(t, lDigit())
	cases := []struct {
		what string
		b    []byte
		want string
	}{
		{"a white page", encodePNG(t, white), "blank"},
		{"a grey page", encodePNG(t, mid), "blank"},
		{"an L too faint to see", encodePNG(t, faint), "blank"},
		{"a 1×1 picture", encodePNG(t, canvas(1, 1, color.Black)), "blank"},
		{"text", []byte("7, I promise"), "not a PNG, JPEG or GIF image"},
		{"nothing", nil, "not a PNG, JPEG or GIF image"},
		{"a cut-off PNG", good[:len(good)/2], "cannot read"},
		{"a PNG claiming 30,000×30,000 pixels", hugePNGHeader(30000, 30000), "too large"},
	}
	for _, c := range cases {
		d, err := decodeDigit(c.b)
		if err == nil {
			t.Errorf("%s: no error (got a digit with ink box %v)", c.what, d.ink)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %q, want one saying %q", c.what, err, c.want)
		}
	}
	if _, err := readDigit(strings.NewReader("")); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("an empty file: error %v", err)
	}
}

// hugePNGHeader is the start of a PNG file whose header says w×h pixels:
// the signature and a correct IHDR chunk, enough for DecodeConfig.
func hugePNGHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 0 // 8-bit grey
	binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	chunk := append([]byte("IHDR"), ihdr...)
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

func TestAreaWeightsSumToOne(t *testing.T) {
	for _, nm := range [][2]int{{100, 20}, {7, 20}, {20, 20}, {1, 1}, {3, 20}, {311, 13}} {
		ws := areaWeights(nm[0], nm[1])
		cover := make([]float64, nm[0]) // how much of each source pixel is used, in source pixels
		for k, list := range ws {
			s := 0.0
			for _, w := range list {
				s += w.w
				cover[w.i] += w.w * float64(nm[0]) / float64(nm[1])
			}
			if math.Abs(s-1) > 1e-9 {
				t.Errorf("areaWeights(%d, %d): target %d's weights sum to %v", nm[0], nm[1], k, s)
			}
		}
		for i, c := range cover {
			if math.Abs(c-1) > 1e-9 {
				t.Errorf("areaWeights(%d, %d): source pixel %d is used %v times, want once", nm[0], nm[1], i, c)
			}
		}
	}
}

// FuzzPreprocess feeds arbitrary bytes to the entry point of -predict:
// whatever they are, decodeDigit returns an error or a proper digit, and
// never panics. Run it with
//
//	go test ./ch07_mnist -run '^$' -fuzz FuzzPreprocess -fuzztime 60s
func FuzzPreprocess(f *testing.F) {
	small := canvas(32, 32, color.White)
	drawL(small, image.Rect(4, 4, 20, 28), 4, color.Black)
	var jpg, gf bytes.Buffer
	jpeg.Encode(&jpg, small, nil)
	gif.Encode(&gf, small, nil)
	f.Add(encodePNG(f, small))
	f.Add(jpg.Bytes())
	f.Add(gf.Bytes())
	f.Add(encodePNG(f, canvas(3, 2, color.White)))
	f.Add(encodePNG(f, image.NewNRGBA(image.Rect(0, 0, 5, 5))))
	f.Add(hugePNGHeader(1, 1))
	f.Add([]byte("not an image"))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := decodeDigit(b)
		if err != nil {
			if d != nil {
				t.Error("a digit and an error")
			}
			return
		}
		if len(d.pixels) != side*side {
			t.Fatalf("%d pixels", len(d.pixels))
		}
		for i, v := range d.pixels {
			if math.IsNaN(v) || v < 0 || v > 1 {
				t.Fatalf("pixel %d = %v", i, v)
			}
		}
		if d.scaledW < 1 || d.scaledW > box || d.scaledH < 1 || d.scaledH > box {
			t.Fatalf("scaled to %d×%d", d.scaledW, d.scaledH)
		}
	})
}
