package main

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"nnfromscratch/nn"
)

// FuzzLoadModel feeds loadModel (the size check, then nn.Load) any bytes
// as a model file: it never panics, refuses with a line that names the
// file, and what it accepts is a network whose sizes are sane.
//
//	go test ./ch07_mnist -run XXX -fuzz FuzzLoadModel -fuzztime 3m
func FuzzLoadModel(f *testing.F) {
	net, err := nn.NewMLP([]int{4, 3, 2}, "relu", rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		f.Fatal(err)
	}
	var good bytes.Buffer
	net.Save(&good)
	f.Add(good.Bytes())
	f.Add([]byte("nnfromscratch-mlp 1\nsizes 784 65536 238\nactivation relu\nW1 784 65536\n"))
	f.Add([]byte("nnfromscratch-mlp 1\nsizes 65536 65536 65536\n"))
	f.Add([]byte(""))
	f.Add([]byte("\x00\x01\x02"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		path := filepath.Join(dir, "m.model")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		net, err := loadModel(path)
		if err != nil {
			if msg := err.Error(); !strings.HasPrefix(msg, "-model "+path+":") || strings.ContainsAny(msg, "\n\r") {
				t.Errorf("error %q", msg)
			}
			return
		}
		if len(net.Sizes) < 2 || nn.ParamCount(net.Sizes) > nn.MaxParams || int64(nn.ParamCount(net.Sizes)) > int64(len(b)) {
			t.Errorf("accepted a network of sizes %v from %d bytes", net.Sizes, len(b))
		}
	})
}
