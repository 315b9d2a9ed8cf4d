package main

// The rows of docs/errors.md about files that are not what they should be
// (inputs that are pipes, devices or far too large; outputs in the way or
// among the inputs), models that do not fit the command, runs that fail and
// must keep the old model, and runs stopped by a signal or by their output:
// their setups and checks, added to errorSetups and errorChecks.

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"io"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"

	"nnfromscratch/internal/cli"
	"nnfromscratch/nn"
)

func init() {
	for name, setup := range fileSetups {
		if errorSetups[name] != nil {
			panic("two setups for " + name)
		}
		errorSetups[name] = setup
	}
	for name, check := range fileChecks {
		if errorChecks[name] != nil {
			panic("two checks for " + name)
		}
		errorChecks[name] = check
	}
}

// oldModel is the content of the model a failed run must leave alone.
var oldModel = sync.OnceValue(func() []byte {
	var b bytes.Buffer
	net, _ := nn.NewMLP([]int{784, 8, 10}, "relu", rand.New(rand.NewPCG(5, 6)))
	net.Save(&b)
	return b.Bytes()
})

// writeOldModel puts a model in name, private (0600), for a run that must
// not replace it.
func writeOldModel(e *errorEnv, name string) {
	e.t.Helper()
	e.write(name, oldModel())
	if err := os.Chmod(e.path(name), 0o600); err != nil {
		e.t.Fatal(err)
	}
}

// wantOldModel checks that name still holds the old model, with its mode.
func wantOldModel(e *errorEnv, name string) {
	e.t.Helper()
	b, err := os.ReadFile(e.path(name))
	if err != nil || !bytes.Equal(b, oldModel()) {
		e.t.Errorf("%s was changed (%v)", name, err)
	}
	if st, err := os.Stat(e.path(name)); err == nil && st.Mode().Perm() != 0o600 {
		e.t.Errorf("%s has mode %v, want 0600", name, st.Mode().Perm())
	}
}

// wantUnchanged checks that the file name still holds content.
func wantUnchanged(e *errorEnv, name, content string) {
	e.t.Helper()
	if b, err := os.ReadFile(e.path(name)); err != nil || string(b) != content {
		e.t.Errorf("%s now holds %q (%v), want %q", name, b, err, content)
	}
}

// goodCSV is a small CSV file the loader accepts: 15 rows, 3 of each of
// labels 0..4, so that one row of each is held out.
func goodCSV() []byte {
	var b strings.Builder
	b.WriteString(csvHead())
	for i := range 15 {
		b.WriteString(csvLine(i % 5))
	}
	return []byte(b.String())
}

// zeroModel is a 784-16-10 network whose weights are all 0: every score is
// 0, so it answers class 0 for every image.
func zeroModel(e *errorEnv) []byte {
	net, err := nn.NewMLP([]int{784, 16, 10}, "relu", rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		e.t.Fatal(err)
	}
	for _, p := range net.Params() {
		for _, row := range p.Value {
			clear(row)
		}
	}
	var b bytes.Buffer
	if err := net.Save(&b); err != nil {
		e.t.Fatal(err)
	}
	return b.Bytes()
}

// sizedModel saves an untrained network of the given sizes.
func sizedModel(e *errorEnv, sizes ...int) []byte {
	net, err := nn.NewMLP(sizes, "relu", rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		e.t.Fatal(err)
	}
	var b bytes.Buffer
	if err := net.Save(&b); err != nil {
		e.t.Fatal(err)
	}
	return b.Bytes()
}

// sparse makes a file of size bytes that takes no room on the disk.
func sparse(e *errorEnv, name string, size int64) {
	e.t.Helper()
	f, err := os.Create(e.path(name))
	if err != nil {
		e.t.Fatal(err)
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		e.t.Skipf("cannot make a sparse file of %d bytes: %v", size, err)
	}
}

// blankIDX writes a gzipped images file of n blank side×side images and
// its labels file (all 0) under the standard names of set ("t10k" or
// "train"), bodies and all: a small file that decompresses to n·side² bytes.
func blankIDX(e *errorEnv, set string, n, side int) {
	e.t.Helper()
	var img bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&img, gzip.BestSpeed)
	binary.Write(zw, binary.BigEndian, []uint32{0x0803, uint32(n), uint32(side), uint32(side)})
	zeros := make([]byte, 1<<16)
	for left := n * side * side; left > 0; left -= len(zeros) {
		zw.Write(zeros[:min(left, len(zeros))])
	}
	zw.Close()
	e.write(set+"-images-idx3-ubyte.gz", img.Bytes())
	var l bytes.Buffer
	binary.Write(&l, binary.BigEndian, []uint32{0x0801, uint32(n)})
	l.Write(make([]byte, n))
	e.write(set+"-labels-idx1-ubyte.gz", gzipBytes(e.t, l.Bytes()))
}

// bombIDX writes a small gzipped images file under the standard names of
// set whose header announces n blank 28×28 images (n·784 bytes once
// decompressed) but whose body holds only the first MiB, and a labels file
// that announces n labels and holds none: what a hostile download looks like.
func bombIDX(e *errorEnv, set string, n int) {
	e.t.Helper()
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, []uint32{0x0803, uint32(n), 28, 28})
	b.Write(make([]byte, 1<<20))
	e.write(set+"-images-idx3-ubyte.gz", gzipBytes(e.t, b.Bytes()))
	var l bytes.Buffer
	binary.Write(&l, binary.BigEndian, []uint32{0x0801, uint32(n)})
	e.write(set+"-labels-idx1-ubyte.gz", gzipBytes(e.t, l.Bytes()))
}

// failAfter is an output that fails with err at its first write once it
// holds want.
func failAfter(want string, err error) func(*bytes.Buffer) io.Writer {
	return func(out *bytes.Buffer) io.Writer {
		return &failingOutput{out, func(before string) bool { return strings.Contains(before, want) }, err}
	}
}

// small run flags the signal rows share: 30 batches an epoch.
const stopRun = "-train-limit 960 -test-limit 200 -layers 784,32,10 -batch 32 -epochs 3 -notime"

var fileSetups = map[string]func(e *errorEnv){
	// Data too large for the program, with the -test-limit or -train-limit
	// that makes it fit.
	"eval-too-many": func(e *errorEnv) {
		e.write("digits.model", modelLines(e, 784, -1))
		bombIDX(e, "t10k", 640_000)
	},
	"idx-too-many-both": func(e *errorEnv) {
		// 85,598 blank test images fill the 64 MiB alone: no room is
		// left for a single training image.
		goodIDX(e, 28)
		blankIDX(e, "t10k", 85_598, 28)
	},
	"idx-huge-images":       func(e *errorEnv) { goodIDX(e, 300) },
	"idx-params-suggestion": func(e *errorEnv) { goodIDX(e, 200) },
	"csv-folder": func(e *errorEnv) {
		if err := os.Mkdir(e.path("digits.csv"), 0o755); err != nil {
			e.t.Fatal(err)
		}
	},
	"csv-too-large": func(e *errorEnv) { sparse(e, "digits.csv", 1<<30+1) },

	// Where -save and -svg write: never over a device, a pipe, a link, a
	// file of another kind or an input; the figure's place checked too.
	"save-device": func(e *errorEnv) {
		if out, err := exec.Command("mknod", e.path("null"), "c", "1", "3").CombinedOutput(); err != nil {
			e.t.Skipf("mknod: %v %s", err, out)
		}
	},
	"save-fifo":    func(e *errorEnv) { mkfifo(e, "digits.model") },
	"save-symlink": func(e *errorEnv) { writeOldModel(e, "keep.model"); symlink(e, e.path("keep.model"), "link.model") },
	"save-dangling-symlink": func(e *errorEnv) {
		if err := os.Symlink(e.path("elsewhere.model"), e.path("link.model")); err != nil {
			e.t.Skipf("symlink: %v", err)
		}
	},
	"save-not-a-model":  func(e *errorEnv) { e.write("notes.txt", []byte("Things to remember\n")) },
	"save-is-the-data":  func(e *errorEnv) { e.write("digits.csv", goodCSV()) },
	"save-idx-input":    func(e *errorEnv) { goodIDX(e, 28) },
	"svg-figure-folder": func(e *errorEnv) { os.Mkdir(e.path(curvesFile), 0o755) },
	"svg-figure-symlink": func(e *errorEnv) {
		e.write("old.svg", []byte("<svg/>\n"))
		symlink(e, e.path("old.svg"), curvesFile)
	},
	"svg-figure-fifo":    func(e *errorEnv) { mkfifo(e, curvesFile) },
	"svg-figure-not-svg": func(e *errorEnv) { e.write(curvesFile, []byte("Notes on the curves\n")) },
	"svg-not-a-folder":   func(e *errorEnv) { e.write("notes.txt", []byte("a file, not a folder\n")) },
	"svg-read-only": func(e *errorEnv) {
		if err := os.Mkdir(e.path("locked"), 0o555); err != nil {
			e.t.Fatal(err)
		}
	},
	"save-hardlink-to-data": func(e *errorEnv) {
		e.write("digits.csv", goodCSV())
		if err := os.Link(e.path("digits.csv"), e.path("copy.model")); err != nil {
			e.t.Skipf("link: %v", err)
		}
	},
	"download-save-first": func(e *errorEnv) {
		var asked atomic.Int64
		serveMirror(e, func(w http.ResponseWriter, r *http.Request) { asked.Add(1); http.NotFound(w, r) })
		e.t.Cleanup(func() {
			if n := asked.Load(); n > 0 {
				e.t.Errorf("the mirror was asked %d times before -save was checked", n)
			}
		})
	},

	// A run that fails keeps the old model (and figure), mode and all.
	"train-failed-keeps-model":   func(e *errorEnv) { writeOldModel(e, "keep.model") },
	"train-diverged-keeps-model": func(e *errorEnv) { writeOldModel(e, "keep.model") },

	// Stopped by a signal or by the output: the training loop looks at
	// the context before each batch (see train-interrupted).
	"train-at-chance-interrupted": func(e *errorEnv) { writeOldModel(e, "digits.model"); e.ctx = newCountdown(37) },
	"train-terminated":            func(e *errorEnv) { e.ctx = newCountdownCause(37, cli.ErrTerminated) },
	"train-broken-pipe":           func(e *errorEnv) { e.stdout = failAfter("\n    1  ", brokenPipe) },
	"load-broken-pipe":            func(e *errorEnv) { e.stdout = failAfterLines(3, brokenPipe) },
	"load-terminated": func(e *errorEnv) {
		ctx, cancel := context.WithCancelCause(context.Background())
		cancel(cli.ErrTerminated)
		e.ctx = ctx
	},
	"output-full": func(e *errorEnv) {
		full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
		if err != nil {
			e.t.Skip("no /dev/full here")
		}
		e.t.Cleanup(func() { full.Close() })
		e.stdout = func(*bytes.Buffer) io.Writer { return full }
	},

	// Model files that are not files, claim more than they hold, or do not
	// fit the command.
	"model-fifo":   func(e *errorEnv) { mkfifo(e, "digits.model") },
	"model-proc":   func(e *errorEnv) { skipUnless(e, "/proc/self/status") },
	"model-zero":   func(e *errorEnv) { skipUnless(e, "/dev/zero") },
	"model-device": func(e *errorEnv) { skipUnless(e, "/dev/urandom") },
	"model-claims-too-much": func(e *errorEnv) {
		e.write("digits.model", []byte("nnfromscratch-mlp 1\nsizes 784 65536 238\nactivation relu\nW1 784 65536\n"))
	},
	"model-too-many-params": func(e *errorEnv) {
		e.write("digits.model", []byte("nnfromscratch-mlp 1\nsizes 784 65536 65536 10\nactivation relu\n"))
	},
	"model-bad-activation": func(e *errorEnv) {
		e.write("digits.model", bytes.Replace(modelLines(e, 784, -1), []byte("activation relu"), []byte("activation swish"), 1))
	},
	"model-no-end": func(e *errorEnv) {
		e.write("digits.model", bytes.TrimSuffix(modelLines(e, 784, -1), []byte("end\n")))
	},
	"model-trailing": func(e *errorEnv) {
		e.write("digits.model", append(modelLines(e, 784, -1), "W4 1 1\n0.5\n"...))
	},
	"model-layer-zero": func(e *errorEnv) {
		e.write("digits.model", bytes.Replace(modelLines(e, 784, -1), []byte("sizes 784 16 10"), []byte("sizes 784 0 10"), 1))
	},
	"model-long-line": func(e *errorEnv) { e.write("digits.model", bytes.Repeat([]byte("0"), 5<<20)) },
	"model-symlink-loop": func(e *errorEnv) {
		if err := os.Symlink(e.path("digits.model"), e.path("digits.model")); err != nil {
			e.t.Skipf("symlink: %v", err)
		}
	},
	"model-too-large": func(e *errorEnv) { sparse(e, "digits.model", maxModelBytes+1) },
	"model-data-file": func(e *errorEnv) { goodIDX(e, 28) },
	"model-unreadable": func(e *errorEnv) {
		e.write("digits.model", modelLines(e, 784, -1))
		if err := os.Chmod(e.path("digits.model"), 0); err != nil {
			e.t.Fatal(err)
		}
	},
	"predict-100-classes": func(e *errorEnv) {
		e.write("digits.model", sizedModel(e, 784, 100))
		e.write("my7.png", encodePNG(e.t, noise(28, 28)))
	},
	"predict-1-class": func(e *errorEnv) {
		e.write("digits.model", sizedModel(e, 784, 1))
		e.write("my7.png", encodePNG(e.t, noise(28, 28)))
	},
	"eval-1-class": func(e *errorEnv) { e.write("digits.model", sizedModel(e, 784, 1)) },
	"eval-chance": func(e *errorEnv) {
		e.write("digits.model", zeroModel(e))
		sub := &errorEnv{t: e.t, dir: e.path("fashion")}
		goodIDX(sub, 28)
	},

	// Pictures that are not files, or far too large.
	"png-fifo": func(e *errorEnv) {
		e.write("digits.model", modelLines(e, 784, -1))
		mkfifo(e, "my7.png")
	},
	"png-device": func(e *errorEnv) { e.write("digits.model", modelLines(e, 784, -1)); skipUnless(e, "/dev/zero") },
	"png-proc":   func(e *errorEnv) { e.write("digits.model", modelLines(e, 784, -1)); skipUnless(e, "/proc/self/status") },
	"png-too-large": func(e *errorEnv) {
		e.write("digits.model", modelLines(e, 784, -1))
		sparse(e, "my7.png", maxImageBytes+1)
	},
}

// skipUnless skips a row whose special file this system lacks.
func skipUnless(e *errorEnv, path string) {
	if _, err := os.Stat(path); err != nil {
		e.t.Skipf("no %s here", path)
	}
}

var fileChecks = map[string]func(e *errorEnv, out string){
	"save-device": func(e *errorEnv, _ string) {
		if st, err := os.Lstat(e.path("null")); err != nil || st.Mode()&fs.ModeCharDevice == 0 {
			e.t.Errorf("the device node is gone or replaced: %v", err)
		}
	},
	"save-symlink": func(e *errorEnv, _ string) {
		wantOldModel(e, "keep.model")
		if st, err := os.Lstat(e.path("link.model")); err != nil || st.Mode()&fs.ModeSymlink == 0 {
			e.t.Errorf("the link was replaced: %v", err)
		}
	},
	"save-not-a-model":   func(e *errorEnv, _ string) { wantUnchanged(e, "notes.txt", "Things to remember\n") },
	"save-is-the-data":   func(e *errorEnv, _ string) { wantUnchanged(e, "digits.csv", string(goodCSV())) },
	"svg-figure-not-svg": func(e *errorEnv, _ string) { wantUnchanged(e, curvesFile, "Notes on the curves\n") },
	"train-failed-keeps-model": func(e *errorEnv, out string) {
		wantOldModel(e, "keep.model")
		wantOnlyFiles(e.t, e.dir, "keep.model") // no figure, no temporary file
		if strings.Contains(out, "saved the network") || !strings.Contains(out, "== 7. Results ==") {
			e.t.Errorf("a run at chance should report its results but save nothing:\n%s", out)
		}
	},
	"train-diverged-keeps-model": func(e *errorEnv, out string) {
		wantOldModel(e, "keep.model")
		wantOnlyFiles(e.t, e.dir, "keep.model")
	},
	"train-at-chance-interrupted": func(e *errorEnv, out string) {
		wantOldModel(e, "digits.model")
		if strings.Contains(out, "saved the network") {
			e.t.Errorf("a network at chance was saved:\n%s", out)
		}
	},
	"train-terminated": func(e *errorEnv, out string) {
		if !strings.Contains(out, "\nterminated during epoch 2 (batch 10 of 26): stopping\n") {
			e.t.Errorf("output lacks where SIGTERM stopped the run:\n%s", out)
		}
		loadSaved(e.t, e.path("digits.model"))
		wantOnlyFiles(e.t, e.dir, "digits.model")
	},
	"train-broken-pipe": func(e *errorEnv, out string) {
		if strings.Contains(out, "\n    2  ") || strings.Contains(out, "== 5.") {
			e.t.Errorf("the output went on after the pipe broke:\n%s", out)
		}
		loadSaved(e.t, e.path("digits.model"))
		wantOnlyFiles(e.t, e.dir, "digits.model")
	},
	"load-broken-pipe": func(e *errorEnv, out string) {
		if strings.Count(out, "\n") != 3 {
			e.t.Errorf("want the 3 lines the reader took, got:\n%s", out)
		}
		wantOnlyFiles(e.t, e.dir)
	},
}
