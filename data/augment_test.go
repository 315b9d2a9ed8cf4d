package data

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"math"
	"runtime"
	"strings"
	"testing"
)

// strong is the distortion chapter 7's augmentation uses, all parts at once.
var strong = Distortion{Shift: 2, Rotate: 10, Scale: 0.1, Sigma: 5, Alpha: 34}

func sampleHead(t testing.TB, n int) *Set {
	t.Helper()
	s, err := Sample()
	if err != nil {
		t.Fatal(err)
	}
	return s.Head(n)
}

func newAugmenter(t testing.TB, d Distortion, seed uint64) *Augmenter {
	t.Helper()
	a, err := NewAugmenter(d, 28, 28, seed)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestAugmentZeroDistortionIsACopy(t *testing.T) {
	s := sampleHead(t, 50)
	var out Set
	newAugmenter(t, Distortion{}, 1).Epoch(&out, s, 3)
	if !bytes.Equal(out.Images, s.Images) || !bytes.Equal(out.Labels, s.Labels) {
		t.Error("the zero Distortion changed the images")
	}
}

// fieldAt is the definition walk must follow: the value of field f at row i,
// column j under turn t.
func fieldAt(f []int32, rows, cols, t, i, j int) int64 {
	if t&8 != 0 {
		i, j = j, i
	}
	if t&4 != 0 {
		i = rows - 1 - i
	}
	if t&2 != 0 {
		j = cols - 1 - j
	}
	v := int64(f[i*cols+j])
	if t&1 != 0 {
		v = -v
	}
	return v
}

func TestAugmentWalkFollowsTheTurn(t *testing.T) {
	for _, shape := range [][2]int{{5, 5}, {4, 7}} {
		rows, cols := shape[0], shape[1]
		a := &Augmenter{rows: rows, cols: cols}
		f := make([]int32, rows*cols)
		for i := range f {
			f[i] = int32(i + 1)
		}
		turns := 16
		if rows != cols {
			turns = 8
		}
		for turn := range turns {
			w := a.walk(f, turn)
			for i := range rows {
				for j := range cols {
					got := w.sign * int64(w.f[w.base+i*w.di+j*w.dj])
					if want := fieldAt(f, rows, cols, turn, i, j); got != want {
						t.Fatalf("%d×%d, turn %d, (%d,%d): %d, want %d", rows, cols, turn, i, j, got, want)
					}
				}
			}
		}
	}
}

func TestAugmentIsDeterministic(t *testing.T) {
	s := sampleHead(t, 600)
	run := func(procs int, seed uint64, epoch int) []byte {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		var out Set
		newAugmenter(t, strong, seed).Epoch(&out, s, epoch)
		return out.Images
	}
	one, four := run(1, 1, 2), run(4, 1, 2)
	if !bytes.Equal(one, four) {
		t.Fatal("GOMAXPROCS 1 and 4 give different images")
	}
	a := newAugmenter(t, strong, 1)
	img := make([]byte, 784)
	a.Image(img, s.Image(417), 2, 417)
	if !bytes.Equal(img, one[417*784:418*784]) {
		t.Error("Image and Epoch distort image 417 differently")
	}
	if bytes.Equal(one, run(1, 1, 3)) {
		t.Error("epochs 2 and 3 give the same images")
	}
	if bytes.Equal(one, run(1, 2, 2)) {
		t.Error("seeds 1 and 2 give the same images")
	}
}

// The pixels must be the same on every processor (integer arithmetic):
// this hash is checked on amd64 and, by .ci/cross, on arm64.
func TestAugmentSameBitsEverywhere(t *testing.T) {
	var out Set
	newAugmenter(t, strong, 7).Epoch(&out, sampleHead(t, 200), 5)
	got := fmt.Sprintf("%x", sha256.Sum256(out.Images))
	const want = "13cc2b919ee9996c439ad6d4a7e2b0dad0d380966690975550df10d7b347a018"
	if got != want {
		t.Errorf("sha256 of 200 distorted digits = %s, want %s", got, want)
	}
}

// The elastic field's spread follows from its definition: noise uniform in
// [−1, 1] (variance 1/3), averaged by a normalised Gaussian g of width σ
// along each axis, has variance (1/3)·(Σ g²)², and Σ g² ≈ 1/(2σ√π).
func TestAugmentElasticFieldSpread(t *testing.T) {
	for _, d := range []Distortion{{Sigma: 5, Alpha: 34}, {Sigma: 4, Alpha: 8}, {Sigma: 8, Alpha: 40}} {
		a := newAugmenter(t, d, 3)
		var sum, sq float64
		n := 0
		for _, f := range a.bank {
			for _, v := range f {
				px := float64(v) / (1 << fieldBits)
				sum += px
				sq += px * px
				n++
			}
		}
		mean := sum / float64(n)
		std := math.Sqrt(sq/float64(n) - mean*mean)
		want := d.Alpha * math.Sqrt(1.0/3) / (2 * d.Sigma * math.Sqrt(math.Pi))
		if math.Abs(std-want) > 0.08*want || math.Abs(mean) > 0.05*want {
			t.Errorf("σ %g α %g: field mean %.3f px, std %.3f px; want mean 0, std %.3f", d.Sigma, d.Alpha, mean, std, want)
		}
	}
}

// centre returns the ink's centre of mass (row, column) and its total.
func centre(img []byte) (ci, cj, ink float64) {
	for k, v := range img {
		ink += float64(v)
		ci += float64(k/28) * float64(v)
		cj += float64(k%28) * float64(v)
	}
	return ci / ink, cj / ink, ink
}

func TestAugmentMovesDigitsAsMuchAsAsked(t *testing.T) {
	s := sampleHead(t, 100)
	cases := []struct {
		d       Distortion
		maxMove float64 // how far the centre of mass may move, in pixels
	}{
		{Distortion{Shift: 2}, 2*math.Sqrt2 + 0.3},
		{Distortion{Rotate: 30}, 1.5}, // MNIST digits are centred on their centre of mass
		{Distortion{Scale: 0.2}, 1.5},
		{Distortion{Sigma: 5, Alpha: 34}, 3},
	}
	for _, c := range cases {
		a := newAugmenter(t, c.d, 1)
		out := make([]byte, 784)
		moved := false
		for i := range s.Len() {
			a.Image(out, s.Image(i), 1, i)
			ci, cj, ink := centre(s.Image(i))
			di, dj, ink2 := centre(out)
			if d := math.Hypot(di-ci, dj-cj); d > c.maxMove {
				t.Errorf("%v: image %d's centre moved %.2f px, more than %.2f", c.d, i, d, c.maxMove)
			} else if d > 0.2 {
				moved = true
			}
			if c.d.Scale == 0 && c.d.Sigma == 0 && math.Abs(ink2-ink) > 0.1*ink { // shifts and turns keep the area
				t.Errorf("%v: image %d's ink changed from %.0f to %.0f", c.d, i, ink, ink2)
			}
		}
		if !moved {
			t.Errorf("%v moved no digit's centre by more than 0.2 px", c.d)
		}
	}
}

func TestAugmentRejectsWhatIsOutOfRange(t *testing.T) {
	cases := []struct {
		d    Distortion
		want string
	}{
		{Distortion{Shift: -1}, "shift -1: want 0 to 14 pixels"},
		{Distortion{Shift: 15}, "shift 15: want 0 to 14 pixels"},
		{Distortion{Rotate: 50}, "rotation 50: want 0 to 45 degrees"},
		{Distortion{Scale: 0.6}, "scaling 0.6: want 0 to 0.5"},
		{Distortion{Sigma: 0.5, Alpha: 34}, "elastic sigma 0.5: want 0 (none) or 1 to 10 pixels"},
		{Distortion{Sigma: 5, Alpha: 200}, "elastic alpha 200: want 0 to 100 pixels"},
		{Distortion{Rotate: math.NaN()}, "rotation NaN"},
	}
	for _, c := range cases {
		_, err := NewAugmenter(c.d, 28, 28, 1)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want one containing %q", c.d, err, c.want)
		}
	}
	if _, err := NewAugmenter(strong, 0, 28, 1); err == nil {
		t.Error("images of 0 rows accepted")
	}
}

func BenchmarkAugmentImage(b *testing.B) {
	s := sampleHead(b, 1000)
	a := newAugmenter(b, strong, 1)
	out := make([]byte, 784)
	b.ResetTimer()
	for i := range b.N {
		a.Image(out, s.Image(i%1000), 1, i)
	}
}
