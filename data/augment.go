// Data augmentation, taught in chapter 7 (docs/ch07_mnist.md, "Augmentation"):
// every epoch the network sees each training digit moved a little — shifted,
// turned, stretched and bent — so that it learns what a 3 is rather than
// where the 3s of the training set happen to sit.

package data

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
)

// Distortion says how far Augmenter may move an image. Each image gets its
// own random draw of every part, uniform in the range given:
//
//   - a shift of up to Shift pixels along each axis;
//   - a rotation of up to Rotate degrees either way, about the centre;
//   - a change of size along each axis, by a factor in [1 − Scale, 1 + Scale];
//   - an elastic distortion (Simard, Steinkraus & Platt 2003): every pixel is
//     displaced by a random field that is smooth, so that neighbouring pixels
//     move together. Each component of the field starts as noise, uniform in
//     [−1, 1] at every pixel, is smoothed by a Gaussian of width Sigma pixels
//     and is then multiplied by Alpha. Sigma 0 means no elastic distortion.
//
// The distorted image is read from the original by bilinear interpolation.
// The zero Distortion leaves every image unchanged.
type Distortion struct {
	Shift  float64 // pixels
	Rotate float64 // degrees
	Scale  float64 // fraction of the size
	Sigma  float64 // pixels; 0: no elastic distortion
	Alpha  float64 // pixels
}

// The ranges NewAugmenter accepts: beyond them a digit no longer looks like
// itself (or, for Sigma, the field is no longer smooth, or no longer fits
// the image).
const (
	maxRotate = 45
	maxScale  = 0.5
	minSigma  = 1
	maxSigma  = 10
	maxAlpha  = 100
)

// Check returns an error naming the first part of d that is out of range.
func (d Distortion) Check(rows, cols int) error {
	bad := func(v float64) bool { return math.IsNaN(v) || v < 0 }
	switch {
	case bad(d.Shift) || d.Shift > float64(min(rows, cols))/2:
		return fmt.Errorf("shift %g: want 0 to %d pixels (half the image)", d.Shift, min(rows, cols)/2)
	case bad(d.Rotate) || d.Rotate > maxRotate:
		return fmt.Errorf("rotation %g: want 0 to %d degrees", d.Rotate, maxRotate)
	case bad(d.Scale) || d.Scale > maxScale:
		return fmt.Errorf("scaling %g: want 0 to %g (a fraction of the size)", d.Scale, maxScale)
	case bad(d.Sigma) || d.Sigma != 0 && (d.Sigma < minSigma || d.Sigma > maxSigma):
		return fmt.Errorf("elastic sigma %g: want 0 (none) or %d to %d pixels", d.Sigma, minSigma, maxSigma)
	case bad(d.Alpha) || d.Alpha > maxAlpha:
		return fmt.Errorf("elastic alpha %g: want 0 to %d pixels", d.Alpha, maxAlpha)
	}
	return nil
}

// String writes d the way chapter 7 prints it.
func (d Distortion) String() string {
	s := fmt.Sprintf("shift ±%g px, rotation ±%g°, scaling ±%g%%", d.Shift, d.Rotate, 100*d.Scale)
	if d.Sigma > 0 && d.Alpha > 0 {
		s += fmt.Sprintf(", elastic σ %g px α %g px", d.Sigma, d.Alpha)
	}
	return s
}

// Augmenter makes distorted copies of images. The distortion of image i in
// epoch e depends only on the seed, e and i, never on which goroutine
// computes it or in what order, so a run gives the same pixels on any number
// of cores.
//
// All arithmetic on pixels is integer (positions in 1/256 of a pixel), so the
// result is the same on every processor, with or without fused multiply-add.
//
// Elastic fields cost far more to make than to apply: smoothing two fields of
// noise takes about 20 times the arithmetic of the rest of the distortion.
// So NewAugmenter smooths a bank of bankSize fields once, from the seed, and
// each image takes two of them (one per axis), each turned by one of the
// eight symmetries of the square and given a random sign: smoothed noise
// looks the same in every direction, so a turned field is as good a draw as
// a new one. An epoch then draws from (bankSize·16)² ≈ 268 million pairs.
type Augmenter struct {
	d          Distortion
	rows, cols int
	seed       uint64
	tanHalf    float64   // tan(Rotate/2), rounded to 2⁻⁴⁰
	bank       [][]int32 // elastic fields, displacement in 1/256 pixel
}

// bankSize is the number of elastic fields an Augmenter smooths up front.
const bankSize = 1024

// Fixed-point units: positions carry 16 fractional bits while the affine part
// is applied, the elastic field and the interpolation weights 8.
const (
	fracBits  = 16
	fieldBits = 8
)

// NewAugmenter returns an Augmenter for rows×cols images, with every random
// draw taken from seed.
func NewAugmenter(d Distortion, rows, cols int, seed uint64) (*Augmenter, error) {
	if rows < 1 || cols < 1 || rows > 1<<10 || cols > 1<<10 {
		return nil, fmt.Errorf("augmentation: images of %d×%d pixels: want 1 to 1024 on each side", rows, cols)
	}
	if err := d.Check(rows, cols); err != nil {
		return nil, fmt.Errorf("augmentation: %v", err)
	}
	a := &Augmenter{d: d, rows: rows, cols: cols, seed: seed}
	// Rounded, so that a last-bit difference in math.Tan between processors
	// cannot reach the pixels.
	a.tanHalf = math.Round(math.Tan(d.Rotate*math.Pi/360)*0x1p40) * 0x1p-40
	if d.Sigma > 0 && d.Alpha > 0 {
		a.bank = elasticBank(d.Sigma, d.Alpha, rows, cols, seed)
	}
	return a, nil
}

// Distortion returns the distortion a draws from.
func (a *Augmenter) Distortion() Distortion { return a.d }

// Epoch fills dst with a distorted copy of every image of src, the copies of
// epoch epoch, and copies the labels. dst's buffers are reused when they are
// large enough. The images are split among the cores; the result does not
// depend on how.
func (a *Augmenter) Epoch(dst, src *Set, epoch int) {
	if src.Rows != a.rows || src.Cols != a.cols {
		panic(fmt.Sprintf("data.Augmenter: made for %d×%d images, given %d×%d", a.rows, a.cols, src.Rows, src.Cols))
	}
	dst.Rows, dst.Cols = src.Rows, src.Cols
	dst.Images = resizeBytes(dst.Images, len(src.Images))
	dst.Labels = resizeBytes(dst.Labels, len(src.Labels))
	copy(dst.Labels, src.Labels)
	n := src.Len()
	parts := min(runtime.GOMAXPROCS(0), max(1, n/256))
	var wg sync.WaitGroup
	for p := range parts {
		lo, hi := n*p/parts, n*(p+1)/parts
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				a.Image(dst.Image(i), src.Image(i), epoch, i)
			}
		}()
	}
	wg.Wait()
}

func resizeBytes(b []byte, n int) []byte {
	if cap(b) >= n {
		return b[:n]
	}
	return make([]byte, n)
}

// draw is the random part of one image's distortion.
type draw struct {
	m00, m01, m10, m11 int64 // the inverse of rotation·scaling, 16 fractional bits
	tx, ty             int64 // the shift, 16 fractional bits
	fx, fy             walk  // the elastic field's two components, turned
	elastic            bool
}

// Image writes into dst the distortion of src (one image) for the given epoch
// and image index.
func (a *Augmenter) Image(dst, src []byte, epoch, index int) {
	size := a.rows * a.cols
	dst, src = dst[:size], src[:size]
	var g rand.PCG
	g.Seed(mix(a.seed), mix(uint64(epoch)<<32|uint64(uint32(index))))
	dr := a.draw(&g)
	a.resample(dst, src, &dr)
}

// mix scrambles the bits of x (the finaliser of SplitMix64), so that seeds
// that differ in one bit start generators that have nothing in common.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// uniform returns a number uniform in [−r, r] from g.
func uniform(g *rand.PCG, r float64) float64 {
	u := float64(g.Uint64()>>11) * 0x1p-53 // [0, 1)
	return float64(float64(2*u-1) * r)
}

func (a *Augmenter) draw(g *rand.PCG) draw {
	d := a.d
	// A rotation by θ, written through t = tan(θ/2) so that it needs no
	// trigonometry (whose last bits may differ between processors):
	// cos θ = (1 − t²)/(1 + t²), sin θ = 2t/(1 + t²).
	t := uniform(g, a.tanHalf)
	t2 := float64(t * t)
	cos, sin := (1-t2)/(1+t2), 2*t/(1+t2)
	sx, sy := 1+uniform(g, d.Scale), 1+uniform(g, d.Scale)
	// Output pixel p reads the original at R(θ)·S⁻¹·(p − c) + c + shift.
	fix := func(v float64) int64 { return int64(math.Round(float64(v * (1 << fracBits)))) }
	dr := draw{
		m00: fix(cos / sx), m01: fix(-sin / sy),
		m10: fix(sin / sx), m11: fix(cos / sy),
		tx: fix(uniform(g, d.Shift)), ty: fix(uniform(g, d.Shift)),
	}
	if a.bank != nil {
		turns := 16
		if a.rows != a.cols {
			turns = 8 // a non-square field cannot be transposed
		}
		fx, tx := a.bank[g.Uint64()%bankSize], int(g.Uint64()%uint64(turns))
		fy, ty := a.bank[g.Uint64()%bankSize], int(g.Uint64()%uint64(turns))
		dr.fx, dr.fy, dr.elastic = a.walk(fx, tx), a.walk(fy, ty), true
	}
	return dr
}

// walk says where field f lies under turn t (bit 0 negates, bit 1 mirrors
// the columns, bit 2 the rows, bit 3 transposes): the value at row i,
// column j is sign·f[base + i·di + j·dj].
type walk struct {
	f            []int32
	base, di, dj int
	sign         int64
}

func (a *Augmenter) walk(f []int32, t int) walk {
	rows, cols := a.rows, a.cols
	w := walk{f: f, di: cols, dj: 1, sign: 1}
	if t&8 != 0 { // row i of the turned field is column i of f
		w.di, w.dj = 1, cols
	}
	if t&4 != 0 { // mirror the rows of the (possibly transposed) field
		if t&8 != 0 {
			w.base += (cols - 1) * w.dj
			w.dj = -w.dj
		} else {
			w.base += (rows - 1) * w.di
			w.di = -w.di
		}
	}
	if t&2 != 0 { // mirror its columns
		if t&8 != 0 {
			w.base += (rows - 1) * w.di
			w.di = -w.di
		} else {
			w.base += (cols - 1) * w.dj
			w.dj = -w.dj
		}
	}
	if t&1 != 0 {
		w.sign = -1
	}
	return w
}

// resample writes dst[i][j] = src at the distorted position of (i, j), by
// bilinear interpolation between the four pixels around it; pixels outside
// the image count as background (0).
func (a *Augmenter) resample(dst, src []byte, dr *draw) {
	rows, cols := a.rows, a.cols
	const one = 1 << fieldBits
	// Positions relative to the centre, doubled so that they are whole
	// numbers: u = 2j − (cols − 1).
	cx := int64(cols-1) << (fracBits - 1)
	cy := int64(rows-1) << (fracBits - 1)
	fx, fy := dr.fx, dr.fy
	for i := range rows {
		// Along a row the affine part moves by (m00, m10) per pixel (u grows
		// by 2, and 2·m/2 is exact), so only the row's start is multiplied out.
		v := int64(2*i - (rows - 1))
		u := int64(-(cols - 1))
		x := (dr.m00*u+dr.m01*v)>>1 + cx + dr.tx
		y := (dr.m10*u+dr.m11*v)>>1 + cy + dr.ty
		kx, ky := fx.base+i*fx.di, fy.base+i*fy.di
		out := dst[i*cols : (i+1)*cols]
		for j := range out {
			px, py := x, y
			if dr.elastic {
				px += fx.sign * int64(fx.f[kx]) << (fracBits - fieldBits)
				py += fy.sign * int64(fy.f[ky]) << (fracBits - fieldBits)
				kx += fx.dj
				ky += fy.dj
			}
			x += dr.m00
			y += dr.m10
			px >>= fracBits - fieldBits // 1/256 pixel from here on
			py >>= fracBits - fieldBits
			c, r := int(px>>fieldBits), int(py>>fieldBits)
			wx, wy := px&(one-1), py&(one-1)
			var p00, p01, p10, p11 int64
			if uint(c) < uint(cols-1) && uint(r) < uint(rows-1) { // all four inside
				k := r*cols + c
				q := src[k : k+cols+2]
				p00, p01, p10, p11 = int64(q[0]), int64(q[1]), int64(q[cols]), int64(q[cols+1])
			} else {
				p00, p01 = pixel(src, rows, cols, r, c), pixel(src, rows, cols, r, c+1)
				p10, p11 = pixel(src, rows, cols, r+1, c), pixel(src, rows, cols, r+1, c+1)
			}
			if p00|p01|p10|p11 == 0 { // background, most of an image
				out[j] = 0
				continue
			}
			top := p00*(one-wx) + p01*wx
			bottom := p10*(one-wx) + p11*wx
			out[j] = byte((top*(one-wy) + bottom*wy + one*one/2) >> (2 * fieldBits))
		}
	}
}

// pixel returns src at row i, column j, or 0 outside the image.
func pixel(src []byte, rows, cols, i, j int) int64 {
	if uint(i) >= uint(rows) || uint(j) >= uint(cols) {
		return 0
	}
	return int64(src[i*cols+j])
}

// elasticBank smooths bankSize fields of noise. Each is computed on a grid
// larger than the image by the Gaussian's reach on every side, so that the
// part kept has no edge effects, with integer arithmetic throughout: the
// noise is uniform over ±2¹⁵, the Gaussian's weights are rounded to 16 bits.
// Only the final scaling by α is done in floating point, as one multiply.
func elasticBank(sigma, alpha float64, rows, cols int, seed uint64) [][]int32 {
	reach := int(math.Ceil(3 * sigma))
	kernel := make([]int64, 2*reach+1)
	var ksum int64
	for t := range kernel {
		d := float64(t - reach)
		kernel[t] = int64(math.Round(65536 * math.Exp(-d*d/(2*sigma*sigma))))
		ksum += kernel[t]
	}
	h, w := rows+2*reach, cols+2*reach
	// Dividing by the kernel's sum twice (once per axis) and by 2¹⁵ makes
	// the smoothing an average of noise in [−1, 1]; then α scales it and
	// 2^fieldBits turns pixels into the field's units.
	scale := alpha * (1 << fieldBits) / (float64(ksum) * float64(ksum) * (1 << 15))
	bank := make([][]int32, bankSize)
	var g rand.PCG
	g.Seed(mix(seed), mix(0xe1a5_71c))
	noise := make([]int64, h*w)
	across := make([]int64, h*cols) // smoothed along each row
	for b := range bank {
		for i := range noise {
			noise[i] = int64(g.Uint64()>>48) - 1<<15 // [−2¹⁵, 2¹⁵)
		}
		for i := range h {
			for j := range cols {
				var s int64
				for t, k := range kernel {
					s += k * noise[i*w+j+t]
				}
				across[i*cols+j] = s
			}
		}
		f := make([]int32, rows*cols)
		for i := range rows {
			for j := range cols {
				var s int64
				for t, k := range kernel {
					s += k * (across[(i+t)*cols+j] >> 16) // keep the sum within 64 bits
				}
				f[i*cols+j] = int32(math.Round(float64(s) * scale * 65536))
			}
		}
		bank[b] = f
	}
	return bank
}
