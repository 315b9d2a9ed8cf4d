package golden

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// recorder is a testing.TB that keeps what a check reports instead of
// failing the test that runs it.
type recorder struct {
	testing.TB
	errors, skips []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
	runtime.Goexit()
}
func (r *recorder) Fatal(args ...any) {
	r.errors = append(r.errors, fmt.Sprint(args...))
	runtime.Goexit()
}
func (r *recorder) Skipf(format string, args ...any) {
	r.skips = append(r.skips, fmt.Sprintf(format, args...))
	runtime.Goexit()
}

// checkDoc runs CheckDoc with a recorder, in a goroutine of its own so that
// a Fatal or Skip ends only the check.
func checkDoc(t *testing.T, docPath string, got []byte) *recorder {
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		CheckDoc(r, docPath, got)
	}()
	<-done
	return r
}

const output = "== 1. A toy ==\nz = 0.3\n"

func page(title, out string) string {
	return title + "\n\n" + beginMark + "\n```text\n" + out + "```\n" + endMark + "\n\nThe end.\n"
}

// writeDocs writes docs/ch09_toy.md and, if zh is not empty, its Chinese
// twin docs/zh/ch09_toy.md into a temporary folder, and returns the English
// page's path.
func writeDocs(t *testing.T, zh string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "docs")
	if err := os.MkdirAll(filepath.Join(dir, "zh"), 0o755); err != nil {
		t.Fatal(err)
	}
	en := filepath.Join(dir, "ch09_toy.md")
	if err := os.WriteFile(en, []byte(page("# Chapter 9 — Toy", output)), 0o644); err != nil {
		t.Fatal(err)
	}
	if zh != "" {
		if err := os.WriteFile(filepath.Join(dir, "zh", "ch09_toy.md"), []byte(zh), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return en
}

func TestCheckDocChecksTheChineseTwin(t *testing.T) {
	en := writeDocs(t, page("# 第 9 章　玩具", output))
	if r := checkDoc(t, en, []byte(output)); len(r.errors)+len(r.skips) > 0 {
		t.Errorf("both pages hold the output, yet CheckDoc reported %q, skipped %q", r.errors, r.skips)
	}

	en = writeDocs(t, page("# 第 9 章　玩具", strings.Replace(output, "0.3", "0.4", 1)))
	r := checkDoc(t, en, []byte(output))
	zh := filepath.Join(filepath.Dir(en), "zh", "ch09_toy.md")
	if len(r.errors) != 1 || !strings.Contains(r.errors[0], "the output block of "+zh+" differs") || !strings.Contains(r.errors[0], "z = 0.4") {
		t.Errorf("a Chinese page with a changed output block gave %q, want one error naming %s and its line", r.errors, zh)
	}

	en = writeDocs(t, "# 第 9 章　玩具\n\n没有输出。\n")
	zh = filepath.Join(filepath.Dir(en), "zh", "ch09_toy.md")
	r = checkDoc(t, en, []byte(output))
	if len(r.errors) != 1 || !strings.Contains(r.errors[0], zh+" has no "+beginMark) {
		t.Errorf("a Chinese page without an output block gave %q, want one error naming it", r.errors)
	}
}

func TestCheckDocSkipsAMissingChinesePage(t *testing.T) {
	en := writeDocs(t, "")
	r := checkDoc(t, en, []byte(output))
	if len(r.errors) != 0 {
		t.Errorf("the English page is right, yet CheckDoc reported %q", r.errors)
	}
	if len(r.skips) != 1 || !strings.Contains(r.skips[0], filepath.Join("zh", "ch09_toy.md")+" does not exist yet") {
		t.Errorf("a missing Chinese page gave the skips %q, want one line naming it", r.skips)
	}

	// The English page is still checked.
	r = checkDoc(t, en, []byte("something else\n"))
	if len(r.errors) != 1 || !strings.Contains(r.errors[0], "ch09_toy.md differs") {
		t.Errorf("a wrong English output block gave %q, want one error", r.errors)
	}
}

func TestUpdateRewritesBothPages(t *testing.T) {
	en := writeDocs(t, page("# 第 9 章　玩具", "old\n"))
	*update = true
	defer func() { *update = false }()
	if r := checkDoc(t, en, []byte(output)); len(r.errors) > 0 {
		t.Fatal(r.errors)
	}
	*update = false
	for _, p := range []string{en, filepath.Join(filepath.Dir(en), "zh", "ch09_toy.md")} {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), "```text\n"+output+"```\n") || !strings.HasSuffix(string(b), "\nThe end.\n") {
			t.Errorf("-update did not copy the output into %s, or changed the rest:\n%s", p, b)
		}
	}
}
