package nn

import (
	"bytes"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
)

// trainedFull is fullArch after a few training steps, so that the running
// statistics and γ, β are away from their starting values, with a
// standardised input.
func trainedFull(t *testing.T) (*MLP, Matrix) {
	t.Helper()
	rng := rand.New(rand.NewPCG(91, 92))
	n, err := Build(fullArch, rng)
	if err != nil {
		t.Fatal(err)
	}
	n.Input = Standardization{Mean: 0.1307, Std: 0.3081}
	x, tt := randomMatrix(rng, 12, 6), OneHot([]int{0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2}, 3)
	opt := NewAdam(0.01)
	for range 5 {
		n.Step(x, tt, opt)
	}
	return n, x
}

// A network with batch normalisation, dropout and standardised input saves
// and loads with every number, and so every prediction, bit for bit.
func TestSaveLoadEveryLayer(t *testing.T) {
	n, x := trainedFull(t)
	var buf bytes.Buffer
	if err := n.Save(&buf); err != nil {
		t.Fatal(err)
	}
	text := buf.String()
	for _, line := range []string{"nnfromscratch-mlp 2\n", "\nbatchnorm eps 1e-05\n", "\ndropout 0.3 input 0.2\n",
		"\ninput mean 0.1307 std 0.3081\n", "\ngamma1 1 5\n", "\nrunning_var2 1 4\n", "\nb3 1 3\n"} {
		if !strings.Contains(text, line) {
			t.Errorf("the file has no line %q", strings.Trim(line, "\n"))
		}
	}
	m, err := Load(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	if m.String() != n.String() || m.Input != n.Input || layerKinds(m) != layerKinds(n) {
		t.Errorf("loaded %s (input %v), want %s (input %v)", m, m.Input, n, n.Input)
	}
	if got, want := m.Predict(x), n.Predict(x); !Equal(got, want) {
		t.Error("the loaded network predicts differently")
	}
	nt, mt := n.tensors(), m.tensors()
	for i := range nt {
		if nt[i].name != mt[i].name || !Equal(nt[i].m, mt[i].m) {
			t.Errorf("%s differs after a round trip", nt[i].name)
		}
	}
	var again bytes.Buffer
	m.Save(&again)
	if again.String() != text {
		t.Error("saving the loaded network gives another file")
	}
}

// A file written by format 1 (testdata/format1.txt, saved by the code before
// format 2 from the network below) still loads, to the same numbers; and a
// network of Dense layers alone is saved as the same file with version 2.
func TestLoadVersion1(t *testing.T) {
	v1, err := os.ReadFile("testdata/format1.txt")
	if err != nil {
		t.Fatal(err)
	}
	m, err := Load(bytes.NewReader(v1))
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	n, _ := NewMLP([]int{6, 5, 4, 3}, "tanh", rng)
	for _, d := range n.Dense() {
		for j := range d.B[0] {
			d.B[0][j] = 0.1 * rng.NormFloat64()
		}
	}
	if m.String() != n.String() || !m.Input.None() {
		t.Errorf("loaded %s (input %v), want %s", m, m.Input, n)
	}
	for i, p := range n.Params() {
		if !Equal(p.Value, m.Params()[i].Value) {
			t.Errorf("%s differs from the network the file was saved from", p.Name)
		}
	}
	var buf bytes.Buffer
	n.Save(&buf)
	if want := strings.Replace(string(v1), "nnfromscratch-mlp 1\n", "nnfromscratch-mlp 2\n", 1); buf.String() != want {
		t.Error("a network of Dense layers alone saves as something else than its version 1 file with version 2")
	}
}

func TestLoadRejectsBrokenVersion2(t *testing.T) {
	n, _ := trainedFull(t)
	var buf bytes.Buffer
	n.Save(&buf)
	good := buf.String()
	running := good[strings.Index(good, "running_var1 1 5\n")+len("running_var1 1 5\n"):]
	cases := map[string]struct{ text, want string }{
		"eps word":      {strings.Replace(good, "eps 1e-05", "eps small", 1), `line 4: "small" for batch normalisation's ε is not a finite number`},
		"eps zero":      {strings.Replace(good, "eps 1e-05", "eps 0", 1), "line 4: batch normalisation's ε 0 must be positive"},
		"eps missing":   {strings.Replace(good, "eps 1e-05", "1e-05", 1), `line 4: want "batchnorm eps" and a number`},
		"rate too high": {strings.Replace(good, "dropout 0.3", "dropout 1.5", 1), "line 5: dropout rate 1.5 outside [0, 1)"},
		"rate word":     {strings.Replace(good, "input 0.2", "input half", 1), `line 5: "half" for a dropout rate is not a finite number`},
		"rates short":   {strings.Replace(good, "dropout 0.3 input 0.2", "dropout 0.3", 1), `line 5: want "dropout", a rate, "input" and a rate`},
		"std zero":      {strings.Replace(good, "std 0.3081", "std 0", 1), "line 6: input standardisation with mean 0.1307 and standard deviation 0"},
		"mean NaN":      {strings.Replace(good, "mean 0.1307", "mean NaN", 1), `line 6: "NaN" for the input's mean is not a finite number`},
		"input short":   {strings.Replace(good, "input mean 0.1307 std 0.3081", "input mean 0.1307", 1), `line 6: want "input mean"`},
		"out of order":  {strings.Replace(strings.Replace(good, "batchnorm eps 1e-05\n", "", 1), "input mean 0.1307 std 0.3081\n", "input mean 0.1307 std 0.3081\nbatchnorm eps 1e-05\n", 1), `line 6: found "batchnorm eps 1e-05" where "W1 6 5" should be`},
		"no batchnorm":  {strings.Replace(good, "batchnorm eps 1e-05\n", "", 1), `found "gamma1 1 5" where "b1 1 5" should be`},
		"negative var":  {strings.Replace(good, "running_var1 1 5\n"+running[:1], "running_var1 1 5\n-", 1), "is a negative variance"},
		"in version 1":  {strings.Replace(good, "mlp 2", "mlp 1", 1), `line 4: found "batchnorm eps 1e-05" where "W1 6 5" should be`},
		"version word":  {strings.Replace(good, "mlp 2", "mlp two", 1), "version two, but this program reads versions 1 and 2"},
		"version +2":    {strings.Replace(good, "mlp 2", "mlp +2", 1), "version +2"},
		"cut in header": {good[:strings.Index(good, "dropout")], `file ends early, at line 5, where W1 6 5 should be`},
	}
	for name, c := range cases {
		_, err := Load(strings.NewReader(c.text))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want one containing %q", name, err, c.want)
		}
	}
}
