package nn

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// FuzzLoad feeds Load arbitrary bytes: it must return a network or an error,
// never panic, and whatever it accepts must save back to the same text.
func FuzzLoad(f *testing.F) {
	n, _ := NewMLP([]int{3, 2, 2}, "relu", rand.New(rand.NewPCG(1, 1)))
	var buf bytes.Buffer
	n.Save(&buf)
	f.Add(buf.Bytes())
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
		for i, p := range m.Params() {
			if !Equal(p.Value, m2.Params()[i].Value) {
				t.Fatalf("%s changed in a save/load round trip", p.Name)
			}
		}
	})
}
