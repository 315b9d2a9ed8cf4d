package docs

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// root is the repository, seen from this package's folder.
const root = "../.."

// A twin is an English page and the Chinese page that translates it, as
// paths from the repository root.
type twin struct{ en, zh string }

// twins lists every English page that has (or will have) a Chinese twin:
// the seven chapters and the README.
func twins(t *testing.T) []twin {
	t.Helper()
	chapters, err := filepath.Glob(filepath.Join(root, "docs", "ch[0-9][0-9]_*.md"))
	if err != nil {
		t.Fatal(err)
	}
	if len(chapters) != 7 {
		t.Fatalf("found %d chapter pages in docs/, want the seven chapters", len(chapters))
	}
	var list []twin
	for _, c := range chapters {
		name := filepath.Base(c)
		list = append(list, twin{"docs/" + name, "docs/zh/" + name})
	}
	return append(list, twin{"README.md", "docs/zh/README.md"})
}

func read(t *testing.T, name string) []byte {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// readTwin reads the Chinese page, or skips the test with a line naming it
// when it has not been written yet.
func readTwin(t *testing.T, name string) []byte {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(name)))
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("%s does not exist yet: its checks run once the page is written", name)
	}
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// TestTwins checks every Chinese page against its English twin: the same
// headings, figures, commands, formulas, inline code, code blocks and output
// block, section by section.
func TestTwins(t *testing.T) {
	for _, tw := range twins(t) {
		t.Run(tw.zh, func(t *testing.T) {
			zh := readTwin(t, tw.zh)
			en := read(t, tw.en)
			for _, msg := range Compare(Parse(tw.en, en), Parse(tw.zh, zh)) {
				t.Error(msg)
			}
		})
	}
}

// TestTwinLinks checks that each page links its twin in its first lines, in
// both directions, and the English README the Chinese edition.
func TestTwinLinks(t *testing.T) {
	const first = 5
	linksTo := func(src []byte, target string) bool {
		lines := strings.SplitN(string(src), "\n", first+1)
		for _, l := range lines[:min(first, len(lines))] {
			for _, m := range linkRE.FindAllStringSubmatch(l, -1) {
				if m[3] == target {
					return true
				}
			}
		}
		return false
	}
	for _, tw := range twins(t) {
		t.Run(tw.en, func(t *testing.T) {
			toZh := relative(path.Dir(tw.en), tw.zh)
			if !linksTo(read(t, tw.en), toZh) {
				t.Errorf("%s does not link its Chinese twin in its first %d lines: add a line [中文版](%s)", tw.en, first, toZh)
			}
			zh := readTwin(t, tw.zh)
			toEn := relative(path.Dir(tw.zh), tw.en)
			if !linksTo(zh, toEn) {
				t.Errorf("%s does not link its English twin in its first %d lines: add a line [English](%s)", tw.zh, first, toEn)
			}
		})
	}
}

// relative is the link from a page in folder dir to the page target, both
// paths from the repository root.
func relative(dir, target string) string {
	rel, err := filepath.Rel(filepath.FromSlash(dir), filepath.FromSlash(target))
	if err != nil {
		panic(err)
	}
	return filepath.ToSlash(rel)
}

// TestChineseLinks checks that every link of every Chinese page leads
// somewhere: the file exists and, for a heading's anchor, the heading too.
// A link to a Chinese page not written yet is noted and passed over.
func TestChineseLinks(t *testing.T) {
	pages := []string{"docs/zh/glossary.md"}
	for _, tw := range twins(t) {
		pages = append(pages, tw.zh)
	}
	pending := map[string]bool{}
	for _, tw := range twins(t) {
		pending[tw.zh] = true
	}
	for _, name := range pages {
		t.Run(name, func(t *testing.T) {
			page := Parse(name, readTwin(t, name))
			for i, s := range page.Sections {
				for _, lk := range s.Links {
					if strings.Contains(lk.Target, "://") || strings.HasPrefix(lk.Target, "mailto:") {
						continue
					}
					file, anchor, _ := strings.Cut(lk.Target, "#")
					target := name
					if file != "" {
						target = path.Clean(path.Join(path.Dir(name), file))
					}
					where := name + ", " + page.Where(i)
					if strings.HasPrefix(target, "../") {
						t.Errorf("%s: the link %s leaves the repository", where, lk.Target)
						continue
					}
					_, err := os.Stat(filepath.Join(root, filepath.FromSlash(target)))
					if errors.Is(err, fs.ErrNotExist) && pending[target] {
						t.Logf("%s: the link %s leads to %s, which does not exist yet: not checked", where, lk.Target, target)
						continue
					}
					if err != nil {
						t.Errorf("%s: the link %s leads nowhere: %v", where, lk.Target, err)
						continue
					}
					if anchor != "" && strings.HasSuffix(target, ".md") {
						if !Parse(target, read(t, target)).Anchors()[anchor] {
							t.Errorf("%s: the link %s names the anchor #%s, which %s has no heading for", where, lk.Target, anchor, target)
						}
					}
				}
			}
		})
	}
}

// asciiNextToHan finds ASCII punctuation written against Chinese text, where
// Chinese prose uses the full-width marks (，。：；？！（）): a comma, colon,
// semicolon, question or exclamation mark beside a Chinese character (spaces
// between them or not), a full stop or a bracket right against one.
var asciiNextToHan = regexp.MustCompile(`\p{Han} *[,:;?!]|[,:;?!] *\p{Han}|\p{Han}[.()]|[()]\p{Han}`)

// punctuationText is a section's prose without emphasis marks, which sit
// between words and their punctuation (**感知机**，).
func punctuationText(prose string) string {
	return strings.ReplaceAll(prose, "*", "")
}

// TestChinesePunctuation checks that the prose of the Chinese pages (code,
// formulas and the output left out) uses Chinese punctuation.
func TestChinesePunctuation(t *testing.T) {
	pages := []string{"docs/zh/glossary.md"}
	for _, tw := range twins(t) {
		pages = append(pages, tw.zh)
	}
	for _, name := range pages {
		t.Run(name, func(t *testing.T) {
			page := Parse(name, readTwin(t, name))
			for i, s := range page.Sections {
				text := punctuationText(s.Prose)
				for _, loc := range asciiNextToHan.FindAllStringIndex(text, -1) {
					from, to := max(0, loc[0]-24), min(len(text), loc[1]+24)
					for from > 0 && !utf8Start(text[from]) {
						from--
					}
					for to < len(text) && !utf8Start(text[to]) {
						to++
					}
					mark := strings.TrimFunc(text[loc[0]:loc[1]], func(r rune) bool { return r == ' ' || unicode.Is(unicode.Han, r) })
					t.Errorf("%s, %s: ASCII %q against Chinese text, use the full-width mark: …%s…",
						name, page.Where(i), mark, strings.ReplaceAll(text[from:to], "\n", " "))
				}
			}
		})
	}
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }
