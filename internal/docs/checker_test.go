package docs

import (
	"strings"
	"testing"
)

// A small English page with one of everything Compare looks at, and a
// faithful Chinese twin of it. The tests below break the twin one way at a
// time and check that Compare says so, naming the page and the section.
const (
	englishPage = "# Chapter 9 — Toy\n" +
		"[中文版](zh/ch09_toy.md)\n" +
		"\n" +
		"A toy page.\n" +
		"\n" +
		"## The idea\n" +
		"\n" +
		"The weighted sum\n" +
		"\n" +
		"$$\nz = w \\cdot x + b\n$$\n" +
		"\n" +
		"is $z$, and `nn.Dense` computes it.\n" +
		"\n" +
		"## Run it\n" +
		"\n" +
		"```\n" +
		"go run ./ch09_toy            # the notebook below\n" +
		"go run ./ch09_toy -seed 7    # other weights\n" +
		"```\n" +
		"\n" +
		"<!-- output:begin -->\n" +
		"```text\n" +
		"== 1. A toy ==\n" +
		"z = 0.3\n" +
		"```\n" +
		"<!-- output:end -->\n" +
		"\n" +
		"### 1. A toy\n" +
		"\n" +
		"![The toy figure](img/ch09_toy.svg)\n" +
		"\n" +
		"## Exercises\n" +
		"\n" +
		"Check it with `go test ./ch09_toy -run Exercise -v`.\n"

	chinesePage = "# 第 9 章　玩具\n" +
		"[English](../ch09_toy.md)\n" +
		"\n" +
		"一个玩具页面。\n" +
		"\n" +
		"## 基本思路\n" +
		"\n" +
		"加权和\n" +
		"\n" +
		"$$\nz = w \\cdot x +\n  b\n$$\n" +
		"\n" +
		"记作 $z$，由 `nn.Dense` 计算。\n" +
		"\n" +
		"## 运行\n" +
		"\n" +
		"```\n" +
		"go run ./ch09_toy            # 下面的笔记\n" +
		"go run ./ch09_toy -seed 7  # 换一组权重\n" +
		"```\n" +
		"\n" +
		"<!-- output:begin -->\n" +
		"```text\n" +
		"== 1. A toy ==\n" +
		"z = 0.3\n" +
		"```\n" +
		"<!-- output:end -->\n" +
		"\n" +
		"### 1. 一个玩具\n" +
		"\n" +
		"![玩具图](../img/ch09_toy.svg)\n" +
		"\n" +
		"## 练习\n" +
		"\n" +
		"用 `go test ./ch09_toy -run Exercise -v` 检查。\n"
)

func compareToy(zh string) []string {
	return Compare(Parse("docs/ch09_toy.md", []byte(englishPage)), Parse("docs/zh/ch09_toy.md", []byte(zh)))
}

func TestFaithfulTwinPasses(t *testing.T) {
	// Translated prose, headings and comments, a formula wrapped differently
	// and figures linked from the other folder are all allowed.
	for _, msg := range compareToy(chinesePage) {
		t.Errorf("a faithful translation was refused: %s", msg)
	}
}

func TestCheckerCatches(t *testing.T) {
	cases := []struct {
		name   string
		old    string // a piece of the faithful Chinese page …
		new    string // … replaced by this
		want   string // the message must contain this
		andNot string // and no message may contain this
	}{
		{
			name: "a missing section",
			old:  "### 1. 一个玩具\n\n![玩具图](../img/ch09_toy.svg)\n\n",
			new:  "",
			want: `docs/zh/ch09_toy.md, section 4 (English "1. A toy"): the Chinese page has no heading for it (the English page has 5 headings, the Chinese 4; the Chinese heading in its place is "练习" (line 31))`,
		},
		{
			name:   "a missing section among others of its level",
			old:    "## 基本思路\n\n加权和\n\n$$\nz = w \\cdot x +\n  b\n$$\n\n记作 $z$，由 `nn.Dense` 计算。\n\n",
			new:    "",
			want:   `docs/zh/ch09_toy.md, section 2 (English "The idea"): the Chinese page has no heading for it (the English page has 5 headings, the Chinese 4; the Chinese heading in its place is "运行" (line 6))`,
			andNot: "section 3",
		},
		{
			name: "a missing last section",
			old:  "## 练习\n\n用 `go test ./ch09_toy -run Exercise -v` 检查。\n",
			new:  "",
			want: `docs/zh/ch09_toy.md, section 5 (English "Exercises"): the Chinese page has no heading for it (the English page has 5 headings, the Chinese 4; the Chinese page ends before it)`,
		},
		{
			name: "an extra section",
			old:  "检查。\n",
			new:  "检查。\n\n## 补充\n",
			want: `docs/zh/ch09_toy.md, section 6: the Chinese heading "补充" (line 39) has no English twin (the English page has 5 headings, the Chinese 6)`,
		},
		{
			name: "a heading at another level",
			old:  "## 运行\n",
			new:  "### 运行\n",
			want: `section 3 (English "Run it"): the English heading is level 2 (##), the Chinese heading there, "运行" (line 17), is level 3`,
		},
		{
			name: "a heading numbered differently",
			old:  "### 1. 一个玩具\n",
			new:  "### 2. 一个玩具\n",
			want: `section 4 (English "1. A toy"): the English heading is numbered "1.", the Chinese heading "2. 一个玩具" (line 31) is numbered "2."`,
		},
		{
			name: "a changed output block",
			old:  "z = 0.3\n```\n<!-- output:end -->",
			new:  "z = 0.4\n```\n<!-- output:end -->",
			want: `docs/zh/ch09_toy.md, section 3 (English "Run it"): the output block differs from the English page's: at its line 4 the English reads "z = 0.3", the Chinese "z = 0.4"`,
		},
		{
			name: "a missing output block",
			old:  "<!-- output:begin -->\n```text\n== 1. A toy ==\nz = 0.3\n```\n<!-- output:end -->\n",
			new:  "",
			want: `section 3 (English "Run it"): the English has the output block`,
		},
		{
			name: "a changed formula",
			old:  "记作 $z$",
			new:  "记作 $z_1$",
			want: `docs/zh/ch09_toy.md, section 2 (English "The idea"): the English has the formula $z$, the Chinese does not`,
		},
		{
			name: "a missing display formula",
			old:  "$$\nz = w \\cdot x +\n  b\n$$\n",
			new:  "",
			want: `section 2 (English "The idea"): the English has the formula $$z = w \cdot x + b$$, the Chinese does not`,
		},
		{
			name: "a missing figure",
			old:  "![玩具图](../img/ch09_toy.svg)",
			new:  "（图略）",
			want: `section 4 (English "1. A toy"): the English shows the figure docs/img/ch09_toy.svg, the Chinese does not`,
		},
		{
			name: "a figure linked from the wrong folder",
			old:  "](../img/ch09_toy.svg)",
			new:  "](img/ch09_toy.svg)",
			want: `the Chinese shows the figure docs/zh/img/ch09_toy.svg, the English does not`,
		},
		{
			name: "a changed exercise command",
			old:  "用 `go test ./ch09_toy -run Exercise -v` 检查",
			new:  "用 `go test ./ch09_toy -v` 检查",
			want: "section 5 (English \"Exercises\"): the English has the command `go test ./ch09_toy -run Exercise -v`, the Chinese does not",
		},
		{
			name: "a changed command in a code block",
			old:  "go run ./ch09_toy -seed 7  # 换一组权重",
			new:  "go run ./ch09_toy -seed 8  # 换一组权重",
			want: "section 3 (English \"Run it\"): the English has the command `go run ./ch09_toy -seed 7`, the Chinese does not",
		},
		{
			name:   "a code block changed beyond its comments",
			old:    "go run ./ch09_toy -seed 7  # 换一组权重",
			new:    "go run ./ch09_toy -seed 7 -v  # 换一组权重",
			want:   `code block 1 (Chinese line 19) differs from the English one (line 18), comments aside: at its line 2 the English reads "go run ./ch09_toy -seed 7", the Chinese "go run ./ch09_toy -seed 7 -v"`,
			andNot: "output block",
		},
		{
			name: "a translated identifier",
			old:  "由 `nn.Dense` 计算",
			new:  "由 `nn.稠密层` 计算",
			want: "section 2 (English \"The idea\"): the English has the code `nn.Dense`, the Chinese does not",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !strings.Contains(chinesePage, c.old) {
				t.Fatalf("the test's page has no %q to replace", c.old)
			}
			msgs := compareToy(strings.Replace(chinesePage, c.old, c.new, 1))
			found := false
			for _, m := range msgs {
				if strings.Contains(m, c.want) {
					found = true
				}
				if c.andNot != "" && strings.Contains(m, c.andNot) {
					t.Errorf("unexpected message: %s", m)
				}
			}
			if !found {
				t.Errorf("Compare did not report %s; want a message containing\n  %s\ngot %d:\n  %s", c.name, c.want, len(msgs), strings.Join(msgs, "\n  "))
			}
		})
	}
}

func TestSlug(t *testing.T) {
	for _, c := range []struct{ heading, want string }{
		{"The idea", "the-idea"},
		{"2. Article 001, line by line", "2-article-001-line-by-line"},
		{"Plain Go: loop order and batches", "plain-go-loop-order-and-batches"},
		{"The drawing page (`-serve`, `-addr HOST:PORT`)", "the-drawing-page--serve--addr-hostport"},
		{"对照 NumPy / PyTorch", "对照-numpy--pytorch"},
		{"2. 逐行对照文章 001", "2-逐行对照文章-001"},
		{"基本思路：一个单元", "基本思路一个单元"},
	} {
		if got := Slug(c.heading); got != c.want {
			t.Errorf("Slug(%q) = %q, want %q", c.heading, got, c.want)
		}
	}
	p := Parse("x.md", []byte("# A\n## Errata\n## Errata\n"))
	for _, a := range []string{"a", "errata", "errata-1"} {
		if !p.Anchors()[a] {
			t.Errorf("the anchors of a page with two Errata headings lack %q: %v", a, p.Anchors())
		}
	}
}

func TestPunctuationCheckCatches(t *testing.T) {
	p := Parse("docs/zh/x.md", []byte("# 标题\n\n这是一句话, 用了英文逗号.\n\n**加粗**, 然后(括号)。\n\n`a, b` 和 $f(x), g(x)$、f(x0, x1) 和 (1, 2) 不算。\n"))
	var hits []string
	for _, s := range p.Sections {
		hits = append(hits, asciiNextToHan.FindAllString(punctuationText(s.Prose), -1)...)
	}
	want := []string{"话,", "号.", "粗,", "后(", "号)"}
	if strings.Join(hits, " ") != strings.Join(want, " ") {
		t.Errorf("the punctuation check found %q, want %q (and nothing in code, formulas or English brackets)", hits, want)
	}
}

// A code span, and a link, may run over the lines of a paragraph; a
// translation that wraps its lines elsewhere must still agree, and no span
// may reach from one paragraph, list item or table row into the next.
func TestSpansAcrossLines(t *testing.T) {
	en := Parse("docs/ch09_toy.md", []byte("# Toy\n\nIt says `validation: 1 in 6\nheld out` and then (or, under `-standardize`, more).\n"+
		"Run `go run ./ch09_toy -preset\n   article002 -seed N` once, see [The\nidea](#toy).\n\n- an item with `one\n- and` another\n\n| `a | b\n|---|\n"))
	zh := Parse("docs/zh/ch09_toy.md", []byte("# 玩具\n\n它写出 `validation: 1 in 6 held out`，然后（在 `-standardize` 下）更多。\n"+
		"运行一次 `go run ./ch09_toy -preset article002 -seed N`，见[基本思路](#玩具)。\n\n- 一项 `one\n- 和` 另一项\n\n| `a | b\n|---|\n"))
	for _, msg := range Compare(en, zh) {
		t.Errorf("a translation wrapped differently was refused: %s", msg)
	}
	s := en.Sections[1]
	want := []string{"validation: 1 in 6 held out", "-standardize", "go run ./ch09_toy -preset article002 -seed N"}
	if strings.Join(s.Code, "|") != strings.Join(want, "|") {
		t.Errorf("code spans %q, want %q", s.Code, want)
	}
	if len(s.Commands) != 1 || s.Commands[0] != want[2] {
		t.Errorf("commands %q, want the one spread over two lines", s.Commands)
	}
	if len(s.Links) != 1 || s.Links[0].Target != "#toy" || s.Links[0].Line != 6 {
		t.Errorf("links %+v, want #toy on line 6, where it starts", s.Links)
	}
}
