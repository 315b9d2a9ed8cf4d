// Command progress lists every exercise of every chapter as done, to do or
// failing, with the file and line to edit.
//
//	go run ./internal/exercise/progress
//
// It runs `go test -json -run ^TestExercise` on the chapters (the same checks
// as `go test ./chNN_topic -run Exercise -v`) and summarises what the tests
// report: a skipped check is an exercise still to do, a passing one is done,
// a failing one prints its first message. Run it from anywhere in the
// repository.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

func main() {
	if err := run(os.Stdout, os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "progress: %v\n", err)
		os.Exit(1)
	}
}

func run(w io.Writer, args []string) error {
	fs := flag.NewFlagSet("progress", flag.ContinueOnError)
	fs.SetOutput(w)
	tags := fs.String("tags", "", "build tags for the tests (-tags solutions checks the reference answers)")
	fs.Usage = func() {
		fmt.Fprintln(w, "usage: go run ./internal/exercise/progress [-tags solutions]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q (see -h)", fs.Arg(0))
	}
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	var goFlags []string
	if *tags != "" {
		goFlags = append(goFlags, "-tags", *tags)
	}
	chapters, err := collect(root, goFlags)
	if err != nil {
		return err
	}
	report(w, chapters)
	return nil
}

// moduleRoot returns the folder holding the repository's go.mod.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("cannot run `go env GOMOD` (%v): is the Go toolchain on your PATH?", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("not inside the nnfromscratch repository: cd into it and run `go run ./internal/exercise/progress`")
	}
	return filepath.Dir(gomod), nil
}

// status is where one exercise stands.
type status string

const (
	done       status = "done"
	todo       status = "to do"
	failing    status = "failing"
	notBuilt   status = "no build"  // the chapter does not compile
	notChecked status = "unchecked" // the test binary stopped before this check
)

// task is one exercise: a function a learner writes.
type task struct {
	name   string
	line   int // of its func line in exercises.go
	status status
	detail string // the first line of a failure, or why it was not checked
}

// chapter is one chapter's exercises, in the order exercises.go lists them.
type chapter struct {
	dir       string // "ch02_activations"
	exercises []*task
	problem   string // a build error or a crash, shown under the chapter
}

// findChapters returns the chapters of the repository: the folders ch*
// holding an exercises.go, with the exercises read from that file.
func findChapters(root string) ([]*chapter, error) {
	matches, err := filepath.Glob(filepath.Join(root, "ch*", "exercises.go"))
	if err != nil {
		return nil, err
	}
	sort.Strings(matches)
	var chapters []*chapter
	for _, path := range matches {
		c := &chapter{dir: filepath.Base(filepath.Dir(path))}
		names, err := exerciseFuncs(path)
		if err != nil {
			c.problem = fmt.Sprintf("cannot read %s/exercises.go: %v", c.dir, err)
		}
		c.exercises = names
		chapters = append(chapters, c)
	}
	if len(chapters) == 0 {
		return nil, fmt.Errorf("no chapter with an exercises.go under %s", root)
	}
	return chapters, nil
}

// exerciseFuncs lists the exported functions of an exercises.go, in order.
func exerciseFuncs(path string) ([]*task, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if f == nil {
		return nil, err
	}
	var list []*task
	for _, d := range f.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil && fn.Name.IsExported() {
			list = append(list, &task{name: fn.Name.Name, line: fset.Position(fn.Pos()).Line})
		}
	}
	return list, err
}

// collect runs the exercise checks of every chapter and records what each
// reports. goFlags go to `go test` (-tags, -overlay).
func collect(root string, goFlags []string) ([]*chapter, error) {
	chapters, err := findChapters(root)
	if err != nil {
		return nil, err
	}
	args := append([]string{"test", "-json", "-run", "^TestExercise"}, goFlags...)
	for _, c := range chapters {
		args = append(args, "./"+c.dir)
	}
	cmd := exec.Command("go", args...)
	cmd.Dir = root
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var exitErr *exec.ExitError
	if runErr != nil && !errors.As(runErr, &exitErr) {
		return nil, fmt.Errorf("cannot run go test: %v", runErr)
	}
	if err := summarise(chapters, &stdout, stderr.String()); err != nil {
		return nil, err
	}
	return chapters, nil
}

// event is one line of `go test -json` (see `go doc test2json`).
type event struct {
	Action     string
	Package    string
	ImportPath string // of a build-output or build-fail event
	Test       string
	Output     string
}

// summarise reads the JSON events of the test run and sets every
// exercise's status. stderr is what go test printed there (build errors, in
// older Go versions).
func summarise(chapters []*chapter, events io.Reader, stderr string) error {
	byDir := map[string]*chapter{}
	for _, c := range chapters {
		byDir[c.dir] = c
	}
	type testState struct {
		action string
		output []string
	}
	tests := map[string]map[string]*testState{} // chapter dir → test → state
	build := map[string][]string{}              // chapter dir → compiler output
	failed := map[string]bool{}                 // chapter dir → the package failed
	pkgOutput := map[string][]string{}          // chapter dir → output outside any test
	sc := bufio.NewScanner(events)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			continue // not JSON: go test's own chatter
		}
		pkg := e.Package
		if pkg == "" {
			pkg = e.ImportPath
		}
		if i := strings.IndexByte(pkg, ' '); i >= 0 {
			pkg = pkg[:i] // "nnfromscratch/ch04_loss [nnfromscratch/ch04_loss.test]"
		}
		dir := pkg[strings.LastIndex(pkg, "/")+1:]
		if byDir[dir] == nil {
			continue
		}
		switch {
		case e.Action == "build-output":
			build[dir] = append(build[dir], strings.TrimRight(e.Output, "\n"))
		case e.Test == "" && e.Action == "fail":
			failed[dir] = true
		case e.Test == "" && e.Action == "output":
			pkgOutput[dir] = append(pkgOutput[dir], strings.TrimRight(e.Output, "\n"))
		case e.Test != "":
			if tests[dir] == nil {
				tests[dir] = map[string]*testState{}
			}
			st := tests[dir][e.Test]
			if st == nil {
				st = &testState{}
				tests[dir][e.Test] = st
			}
			switch e.Action {
			case "output":
				st.output = append(st.output, strings.TrimRight(e.Output, "\n"))
			case "pass", "fail", "skip":
				st.action = e.Action
			}
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("reading go test's output: %v", err)
	}
	for _, c := range chapters {
		if len(tests[c.dir]) == 0 && (failed[c.dir] || len(build[c.dir]) > 0) {
			lines := build[c.dir]
			if len(lines) == 0 {
				lines = stderrFor(stderr, c.dir)
			}
			if len(lines) == 0 {
				lines = pkgOutput[c.dir]
			}
			c.problem = "does not build:\n" + strings.Join(firstLines(lines, 6), "\n")
			for _, ex := range c.exercises {
				ex.status = notBuilt
			}
			continue
		}
		crashed := false
		for _, ex := range c.exercises {
			st := tests[c.dir]["TestExercise"+ex.name]
			switch {
			case st == nil || st.action == "":
				ex.status = notChecked
				crashed = true
			case st.action == "pass":
				ex.status = done
			case st.action == "skip":
				ex.status = todo
			default:
				ex.status = failing
				ex.detail = firstMessage(st.output)
			}
		}
		if crashed && failed[c.dir] {
			msg := firstLines(pkgOutput[c.dir], 3)
			c.problem = "the checks stopped early; run `go test ./" + c.dir + " -run Exercise -v` to see why"
			if len(msg) > 0 {
				c.problem += ":\n" + strings.Join(msg, "\n")
			}
		}
	}
	return nil
}

// firstMessage is the first line a failing test logged, without the
// "exercises_test.go:42: " in front of it.
func firstMessage(output []string) string {
	for _, line := range output {
		if strings.HasPrefix(line, "=== ") || strings.HasPrefix(line, "--- ") || strings.TrimSpace(line) == "" {
			continue
		}
		line = strings.TrimSpace(line)
		if i := strings.Index(line, ".go:"); i >= 0 && !strings.Contains(line[:i], " ") {
			if j := strings.Index(line[i:], ": "); j >= 0 {
				line = line[i+j+2:]
			}
		}
		return line
	}
	return "(no message; run the chapter's tests with -v)"
}

// stderrFor returns the lines of stderr about the chapter dir: the compiler
// errors an older go test prints there.
func stderrFor(stderr, dir string) []string {
	var lines []string
	keep := false
	for _, line := range strings.Split(stderr, "\n") {
		switch {
		case strings.HasPrefix(line, "# "):
			keep = strings.Contains(line, dir)
		case keep && line != "":
			lines = append(lines, line)
		}
	}
	return lines
}

func firstLines(lines []string, n int) []string {
	var out []string
	for _, l := range lines {
		if strings.TrimSpace(l) == "" || strings.HasPrefix(l, "# ") || strings.HasPrefix(l, "FAIL") {
			continue
		}
		out = append(out, "    "+strings.TrimSpace(l))
		if len(out) == n {
			break
		}
	}
	return out
}

// report prints the list, chapter by chapter, and what to do next.
func report(w io.Writer, chapters []*chapter) {
	count := map[status]int{}
	width := 0
	for _, c := range chapters {
		for _, ex := range c.exercises {
			count[ex.status]++
			width = max(width, len(ex.name))
		}
	}
	// What to do next: the first exercise that fails (or does not build),
	// else the first still to do.
	var next *task
	var nextChapter *chapter
	for _, wanted := range []map[status]bool{{failing: true, notBuilt: true}, {todo: true}} {
		for _, c := range chapters {
			for _, ex := range c.exercises {
				if next == nil && wanted[ex.status] {
					next, nextChapter = ex, c
				}
			}
		}
	}
	total := 0
	for _, n := range count {
		total += n
	}
	parts := []string{fmt.Sprintf("%d done", count[done])}
	for _, s := range []status{failing, notBuilt, notChecked} {
		if count[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", count[s], s))
		}
	}
	parts = append(parts, fmt.Sprintf("%d to do", count[todo]))
	fmt.Fprintf(w, "Exercises: %s (of %d).\n", strings.Join(parts, ", "), total)
	for _, c := range chapters {
		fmt.Fprintf(w, "\n%s   (read docs/%s.md)\n", c.dir, c.dir)
		for _, ex := range c.exercises {
			fmt.Fprintf(w, "  %-9s  %-*s  %s/exercises.go:%d\n", ex.status, width, ex.name, c.dir, ex.line)
			if ex.detail != "" {
				fmt.Fprintf(w, "  %9s  %s\n", "", ex.detail)
			}
		}
		if c.problem != "" {
			fmt.Fprintf(w, "  %s\n", c.problem)
		}
	}
	fmt.Fprintln(w)
	switch {
	case next == nil && count[done] == total:
		fmt.Fprintln(w, "Every exercise is done.")
	case next == nil:
		fmt.Fprintln(w, "Some checks did not run; see the chapters above.")
	case next.status == todo:
		fmt.Fprintf(w, "Next: write %s in %s/exercises.go, then: go test ./%s -run Exercise -v\n", next.name, nextChapter.dir, nextChapter.dir)
	case next.status == notBuilt:
		fmt.Fprintf(w, "Next: make %s/exercises.go compile again (the compiler's message is above), then: go test ./%s -run Exercise -v\n", nextChapter.dir, nextChapter.dir)
	default:
		fmt.Fprintf(w, "Next: fix %s in %s/exercises.go; see every message with: go test ./%s -run Exercise -v\n", next.name, nextChapter.dir, nextChapter.dir)
	}
}
