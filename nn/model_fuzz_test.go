package nn

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// FuzzLoad feeds Load arbitrary bytes: it must return a network or an error,
// never panic, and whatever it accepts must save to a file that loads back
// to the same network, and saves again to the same text.
func FuzzLoad(f *testing.F) {
	n, _ := NewMLP([]int{3, 2, 2}, "relu", rand.New(rand.NewPCG(1, 1)))
	var buf bytes.Buffer
	n.Save(&buf)
	f.Add(buf.Bytes())
	every, _ := Build(Architecture{Sizes: []int{3, 2, 2}, Activation: "tanh", BatchNorm: true, Dropout: 0.5, InputDropout: 0.1},
		rand.New(rand.NewPCG(1, 1)))
	every.Input = Standardization{Mean: 0.1307, Std: 0.3081}
	buf.Reset()
	every.Save(&buf)
	f.Add(buf.Bytes())
	f.Add([]byte("nnfromscratch-mlp 2\nsizes 2 3 2\nactivation relu\nbatchnorm eps 0.001\nW1 2 3\n1 2 3\n4 5 6\n" +
		"gamma1 1 3\n1 1 1\nbeta1 1 3\n0 0 0\nrunning_mean1 1 3\n0.5 0 -1\nrunning_var1 1 3\n1 2 0\nW2 3 2\n1 0\n0 1\n1 1\nb2 1 2\n0 0\nend\n"))
	f.Add([]byte("nnfromscratch-mlp 2\nsizes 2 2\nactivation sigmoid\ndropout 0 input 0.5\ninput mean 0.5 std 2\nW1 2 2\n1 2\n3 4\nb1 1 2\n0 0\nend\n"))
	f.Add([]byte("nnfromscratch-mlp 1\nsizes 2 2\nactivation tanh\nW1 2 2\n1 2\n3 4\nb1 1 2\n0 0\nend\n"))
	f.Add([]byte("nnfromscratch-mlp 1\nsizes 65536 65536\nactivation relu\n"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Load(bytes.NewReader(b))
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := m.Save(&out); err != nil {
			t.Fatal(err)
		}
		m2, err := Load(bytes.NewReader(out.Bytes()))
		if err != nil {
			t.Fatalf("a saved model does not load: %v", err)
		}
		if m.String() != m2.String() || m.Input != m2.Input {
			t.Fatalf("%s (input %v) became %s (input %v) in a save/load round trip", m, m.Input, m2, m2.Input)
		}
		ts, ts2 := m.tensors(), m2.tensors()
		for i, tn := range ts {
			if !Equal(tn.m, ts2[i].m) {
				t.Fatalf("%s changed in a save/load round trip", tn.name)
			}
		}
		var again bytes.Buffer
		if err := m2.Save(&again); err != nil || !bytes.Equal(again.Bytes(), out.Bytes()) {
			t.Fatalf("saving a loaded model again gives another file (%v)", err)
		}
	})
}
