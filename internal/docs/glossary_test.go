package docs

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// A term is one row of docs/zh/glossary.md.
type term struct {
	line    int
	english string   // as the English pages write it
	chinese string   // the one Chinese term the pages use
	chapter int      // the chapter that introduces it
	others  []string // other common translations, which the pages avoid
}

var chapterRE = regexp.MustCompile(`^第 ([1-7]) 章$`)

// glossary reads the table of docs/zh/glossary.md: | English | 中文 | 章 | 其他译法 |.
func glossary(src []byte) ([]term, error) {
	var terms []term
	inTable := false
	for i, line := range strings.Split(string(src), "\n") {
		if !strings.HasPrefix(line, "|") {
			inTable = false
			continue
		}
		cells := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
		for k := range cells {
			cells[k] = strings.TrimSpace(cells[k])
		}
		if len(cells) == 4 && cells[0] == "English" {
			inTable = true
			continue
		}
		if !inTable || strings.Trim(cells[0], "-: ") == "" {
			continue
		}
		if len(cells) != 4 {
			return nil, fmt.Errorf("line %d: %d cells, want 4 (English | 中文 | 章 | 其他译法)", i+1, len(cells))
		}
		m := chapterRE.FindStringSubmatch(cells[2])
		if m == nil {
			return nil, fmt.Errorf("line %d: the chapter cell %q should read 第 N 章, N from 1 to 7", i+1, cells[2])
		}
		n, _ := strconv.Atoi(m[1])
		t := term{line: i + 1, english: cells[0], chinese: cells[1], chapter: n}
		if cells[3] != "—" {
			for _, o := range strings.Split(cells[3], "、") {
				t.others = append(t.others, strings.TrimSpace(o))
			}
		}
		if t.english == "" || t.chinese == "" {
			return nil, fmt.Errorf("line %d: a term needs both its English and its Chinese", i+1)
		}
		terms = append(terms, t)
	}
	return terms, nil
}

// englishForms are the ways the English pages may write a term: the cell
// "unit (neuron)" is found as "unit", and "a / b" as either.
func englishForms(cell string) []string {
	if i := strings.Index(cell, " ("); i > 0 {
		cell = cell[:i]
	}
	var forms []string
	for _, f := range strings.Split(cell, " / ") {
		forms = append(forms, strings.ToLower(strings.TrimSpace(f)))
	}
	return forms
}

// TestGlossary checks that the glossary is true of the pages: each term
// appears, in English and in Chinese, in the chapter it says introduces it,
// and no Chinese page uses one of the translations the glossary set aside.
// A chapter whose Chinese page is not written yet is passed over, with a
// line naming it.
func TestGlossary(t *testing.T) {
	terms, err := glossary(read(t, "docs/zh/glossary.md"))
	if err != nil {
		t.Fatalf("docs/zh/glossary.md: %v", err)
	}
	if len(terms) < 50 {
		t.Fatalf("docs/zh/glossary.md has %d terms; the table was not read", len(terms))
	}
	seen := map[string]int{}
	for _, tm := range terms {
		if prev, ok := seen[tm.english]; ok {
			t.Errorf("docs/zh/glossary.md:%d: %q is listed twice (also line %d)", tm.line, tm.english, prev)
		}
		seen[tm.english] = tm.line
	}

	// The prose of every Chinese page that exists, and the whole text of the
	// English chapters.
	type pages struct{ en, zh string }
	chapters := map[int]pages{}
	var zhPages []Page
	for _, tw := range twins(t) {
		t.Run("read "+tw.zh, func(t *testing.T) {
			src := readTwin(t, tw.zh)
			zh := Parse(tw.zh, src)
			zhPages = append(zhPages, zh)
			if !strings.HasPrefix(filepath.Base(tw.en), "ch") {
				return
			}
			n, _ := strconv.Atoi(filepath.Base(tw.en)[2:4])
			var prose strings.Builder
			for _, s := range zh.Sections {
				prose.WriteString(s.Prose)
			}
			chapters[n] = pages{strings.ToLower(string(read(t, tw.en))), strings.ToLower(prose.String())}
		})
	}

	for _, tm := range terms {
		p, ok := chapters[tm.chapter]
		if !ok {
			continue // its Chinese page is not written yet: the subtest above said so
		}
		found := false
		for _, f := range englishForms(tm.english) {
			found = found || strings.Contains(p.en, f)
		}
		if !found {
			t.Errorf("docs/zh/glossary.md:%d: %q is said to be introduced in chapter %d, but its English page never writes it", tm.line, tm.english, tm.chapter)
		}
		if !strings.Contains(p.zh, strings.ToLower(tm.chinese)) {
			t.Errorf("docs/zh/glossary.md:%d: %q (%s) is said to be introduced in chapter %d, but its Chinese page never writes it", tm.line, tm.chinese, tm.english, tm.chapter)
		}
	}

	// A set-aside translation may be part of a longer chosen term (偏差 in
	// 偏差修正): those are masked before looking.
	for _, zh := range zhPages {
		for i, s := range zh.Sections {
			for _, tm := range terms {
				for _, other := range tm.others {
					text := s.Prose
					for _, chosen := range terms {
						if strings.Contains(chosen.chinese, other) {
							text = strings.ReplaceAll(text, chosen.chinese, "□")
						}
					}
					if strings.Contains(text, other) {
						t.Errorf("%s, %s: writes %q; the glossary uses %q for %s (line %d)", zh.Name, zh.Where(i), other, tm.chinese, tm.english, tm.line)
					}
				}
			}
		}
	}
}

func TestGlossaryReader(t *testing.T) {
	src := "# 术语表\n\n| English | 中文 | 章 | 其他译法 |\n|---|---|---|---|\n" +
		"| perceptron | 感知机 | 第 1 章 | 感知器 |\n| weight | 权重 | 第 1 章 | — |\n\n| not | a | term | row |\n"
	terms, err := glossary([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(terms) != 2 || terms[0].chinese != "感知机" || terms[0].chapter != 1 || len(terms[0].others) != 1 || terms[1].others != nil {
		t.Errorf("glossary read %+v", terms)
	}
	for _, bad := range []string{
		"| English | 中文 | 章 | 其他译法 |\n|---|---|---|---|\n| perceptron | 感知机 | 1 | — |\n",
		"| English | 中文 | 章 | 其他译法 |\n|---|---|---|---|\n| perceptron | 感知机 | 第 8 章 | — |\n",
		"| English | 中文 | 章 | 其他译法 |\n|---|---|---|---|\n| perceptron | 感知机 | 第 1 章 |\n",
	} {
		if _, err := glossary([]byte(bad)); err == nil {
			t.Errorf("glossary accepted a bad row:\n%s", bad)
		}
	}
	if f := englishForms("unit (neuron)"); len(f) != 1 || f[0] != "unit" {
		t.Errorf(`englishForms("unit (neuron)") = %q`, f)
	}
	if f := englishForms("MSE / mean-squared error"); len(f) != 2 || f[1] != "mean-squared error" {
		t.Errorf(`englishForms("MSE / mean-squared error") = %q`, f)
	}
}
