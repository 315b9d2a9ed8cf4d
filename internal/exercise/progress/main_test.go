package main

import (
	"bytes"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"nnfromscratch/internal/exercise"
)

// events builds a `go test -json` stream from "package action test [output]"
// lines.
func events(lines ...string) *bytes.Buffer {
	var b bytes.Buffer
	for _, l := range lines {
		f := strings.SplitN(l, " ", 4)
		e := map[string]string{"Package": "nnfromscratch/" + f[0], "Action": f[1]}
		if len(f) > 2 && f[2] != "-" {
			e["Test"] = f[2]
		}
		if len(f) > 3 {
			e["Output"] = f[3] + "\n"
		}
		if f[1] == "build-output" {
			e["ImportPath"] = e["Package"] + " [" + e["Package"] + ".test]"
			delete(e, "Package")
		}
		j, _ := json.Marshal(e)
		b.Write(append(j, '\n'))
	}
	return &b
}

func testChapters() []*chapter {
	return []*chapter{
		{dir: "ch01_perceptron", exercises: []*task{{name: "NANDWeights", line: 20}, {name: "TrainStep", line: 33}, {name: "XORNet", line: 43}}},
		{dir: "ch02_activations", exercises: []*task{{name: "LeakyReLU", line: 24}, {name: "Softmax", line: 45}}},
		{dir: "ch04_loss", exercises: []*task{{name: "MSE", line: 23}}},
	}
}

func TestSummariseAndReport(t *testing.T) {
	chapters := testChapters()
	stream := events(
		"ch01_perceptron run TestExerciseNANDWeights",
		"ch01_perceptron pass TestExerciseNANDWeights",
		"ch01_perceptron output TestExerciseTrainStep === RUN   TestExerciseTrainStep",
		"ch01_perceptron output TestExerciseTrainStep     exercises_test.go:125: TrainStep(w=[0.5 0.5]) [a right answer]: new b = -0.6, want -0.7",
		"ch01_perceptron output TestExerciseTrainStep --- FAIL: TestExerciseTrainStep (0.00s)",
		"ch01_perceptron fail TestExerciseTrainStep",
		"ch01_perceptron output TestExerciseXORNet     exercises_test.go:228: exercise not attempted yet: write XORNet in ch01_perceptron/exercises.go",
		"ch01_perceptron skip TestExerciseXORNet",
		"ch01_perceptron fail -",
		"ch02_activations skip TestExerciseLeakyReLU",
		"ch02_activations run TestExerciseSoftmax",
		"ch02_activations output - panic: boom",
		"ch02_activations fail -",
		"ch04_loss build-output - # nnfromscratch/ch04_loss [nnfromscratch/ch04_loss.test]",
		"ch04_loss build-output - ch04_loss/exercises.go:24:9: undefined: x",
		"ch04_loss fail -",
	)
	if err := summarise(chapters, stream, ""); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	report(&out, chapters)
	for _, want := range []string{
		"Exercises: 1 done, 1 failing, 1 no build, 1 unchecked, 2 to do (of 6).",
		"  done       NANDWeights  ch01_perceptron/exercises.go:20\n",
		"  failing    TrainStep    ch01_perceptron/exercises.go:33\n             TrainStep(w=[0.5 0.5]) [a right answer]: new b = -0.6, want -0.7\n",
		"  to do      XORNet       ch01_perceptron/exercises.go:43\n",
		"  unchecked  Softmax      ch02_activations/exercises.go:45\n",
		"the checks stopped early",
		"panic: boom",
		"  no build   MSE          ch04_loss/exercises.go:23\n  does not build:\n    ch04_loss/exercises.go:24:9: undefined: x\n",
		"Next: fix TrainStep in ch01_perceptron/exercises.go",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the report lacks %q:\n%s", want, out.String())
		}
	}
}

func TestReportAllDone(t *testing.T) {
	chapters := testChapters()
	for _, c := range chapters {
		for _, ex := range c.exercises {
			ex.status = done
		}
	}
	var out bytes.Buffer
	report(&out, chapters)
	if !strings.Contains(out.String(), "Exercises: 6 done, 0 to do (of 6).") || !strings.Contains(out.String(), "Every exercise is done.") {
		t.Errorf("report with everything done:\n%s", out.String())
	}
}

func TestBadArguments(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out, []string{"extra"}); err == nil || !strings.Contains(err.Error(), "unexpected argument") {
		t.Errorf("run with an extra argument: %v", err)
	}
	if err := run(&out, []string{"-nosuchflag"}); err == nil {
		t.Error("run with an unknown flag: no error")
	}
	out.Reset()
	if err := run(&out, []string{"-h"}); err != nil || !strings.Contains(out.String(), "-tags") {
		t.Errorf("run -h: %v\n%s", err, out.String())
	}
}

// body is one function body of a Go file: its name and the byte range of
// its braces.
type body struct {
	name       string
	start, end int
}

func bodies(t *testing.T, path string) (src []byte, list []body) {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range f.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Body != nil {
			list = append(list, body{fn.Name.Name, fset.Position(fn.Body.Lbrace).Offset, fset.Position(fn.Body.Rbrace).Offset + 1})
		}
	}
	return src, list
}

// completed returns chapter's exercises.go with each function body chosen
// by pick: the body of the same function in solutions.go ("done"), the
// stub ("to do"), or any other text, used as the body as it is.
func completed(t *testing.T, root, chapter string, pick func(i int, name string) string) []byte {
	t.Helper()
	exSrc, exBodies := bodies(t, filepath.Join(root, chapter, "exercises.go"))
	solSrc, solBodies := bodies(t, filepath.Join(root, chapter, "solutions.go"))
	answers := map[string]string{}
	for _, b := range solBodies {
		answers[b.name] = string(solSrc[b.start:b.end])
	}
	var out []byte
	last := 0
	for i, b := range exBodies {
		var text string
		switch choice := pick(i, b.name); choice {
		case "done":
			var ok bool
			if text, ok = answers[b.name]; !ok {
				t.Fatalf("%s/solutions.go has no %s", chapter, b.name)
			}
		case "to do":
			text = "{\n\tpanic(\"" + exercise.TODO + "\")\n}"
		default:
			text = choice
		}
		out = append(append(out, exSrc[last:b.start]...), text...)
		last = b.end
	}
	return append(out, exSrc[last:]...)
}

// overlay writes the files and a `go build -overlay` file that puts each
// in place of root/chapter/exercises.go, and returns the overlay's path.
func overlay(t *testing.T, root string, files map[string][]byte) string {
	t.Helper()
	dir := t.TempDir()
	replace := map[string]string{}
	for chapter, src := range files {
		path := filepath.Join(dir, chapter+"_exercises.go")
		if err := os.WriteFile(path, src, 0o644); err != nil {
			t.Fatal(err)
		}
		replace[filepath.Join(root, chapter, "exercises.go")] = path
	}
	j, err := json.Marshal(map[string]any{"Replace": replace})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "overlay.json")
	if err := os.WriteFile(path, j, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestPastedSolutions pastes the bodies of the reference answers into the
// stubs, as a learner who finished the exercises would have them, and checks
// that this needs no other edit: with every exercise written, go vet is
// clean, and with some written, some still stubs and one wrong, the chapters
// build and this command reports each as done, to do or failing.
func TestPastedSolutions(t *testing.T) {
	if testing.Short() {
		t.Skip("builds every chapter twice; skipped with -short")
	}
	host, err := exec.Command("go", "env", "GOHOSTARCH", "GOHOSTOS").Output()
	if err != nil {
		t.Skipf("no go command to build with: %v", err)
	}
	if f := strings.Fields(string(host)); len(f) != 2 || f[0] != runtime.GOARCH || f[1] != runtime.GOOS {
		t.Skipf("the test runs on %s/%s but the go command builds for %s: it would not run the chapters' tests", runtime.GOOS, runtime.GOARCH, host)
	}
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	chapters, err := findChapters(root)
	if err != nil {
		t.Fatal(err)
	}

	// Every exercise written: the build and go vet must be clean.
	all := map[string][]byte{}
	for _, c := range chapters {
		all[c.dir] = completed(t, root, c.dir, func(int, string) string { return "done" })
	}
	args := []string{"vet", "-overlay", overlay(t, root, all)}
	for _, c := range chapters {
		args = append(args, "./"+c.dir)
	}
	cmd := exec.Command("go", args...)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("with every solution pasted into its stub, go vet fails (%v):\n%s", err, out)
	}

	// Half written (even-numbered ones), the rest stubs, and one wrong
	// answer: the first exercise of the first chapter returns the weights
	// of the AND gate, not NAND.
	const wrong = "{\n\treturn 0.5, 0.5, -0.7\n}"
	mixed := map[string][]byte{}
	want := map[string]status{}
	for ci, c := range chapters {
		mixed[c.dir] = completed(t, root, c.dir, func(i int, name string) string {
			switch {
			case ci == 0 && name == "NANDWeights":
				want[c.dir+"."+name] = failing
				return wrong
			case i%2 == 0:
				want[c.dir+"."+name] = done
				return "done"
			}
			want[c.dir+"."+name] = todo
			return "to do"
		})
	}
	if chapters[0].dir != "ch01_perceptron" {
		t.Fatalf("the first chapter is %s, want ch01_perceptron (the wrong answer is written for its NANDWeights)", chapters[0].dir)
	}
	got, err := collect(root, []string{"-overlay", overlay(t, root, mixed)})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	report(&out, got)
	n := 0
	for _, c := range got {
		if c.problem != "" {
			t.Errorf("%s: %s", c.dir, c.problem)
		}
		for _, ex := range c.exercises {
			n++
			if w := want[c.dir+"."+ex.name]; ex.status != w {
				t.Errorf("%s %s: %s, want %s", c.dir, ex.name, ex.status, w)
			}
		}
	}
	if n != len(want) {
		t.Errorf("%d exercises reported, want %d", n, len(want))
	}
	if !strings.Contains(out.String(), "NAND is 0 only at (1, 1)") {
		t.Errorf("the report does not show why NANDWeights fails:\n%s", out.String())
	}
	if t.Failed() {
		t.Logf("the report:\n%s", out.String())
	}
}
