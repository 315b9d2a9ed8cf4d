// Package docs holds the English pages and their Chinese twins together.
//
// Every page of docs/zh translates one English page (docs/zh/ch03_forward.md
// translates docs/ch03_forward.md, docs/zh/README.md translates README.md).
// The prose is free, but what a learner types, reads off a figure or
// compares with a program must be the same in both. Parse reads a page into
// its sections, and Compare lists every place where a Chinese page has
// drifted from its English twin: a missing or extra heading, a figure, a
// command, a formula, an inline code span, a code block or the output block.
// The package's tests run Compare on the real pages, check the links of the
// Chinese pages and the glossary they share.
package docs

import (
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"
	"unicode"
)

// The output block of a chapter's page is the text between these two lines
// (internal/golden keeps it equal to the chapter's golden file).
const (
	BeginOutput = "<!-- output:begin -->"
	EndOutput   = "<!-- output:end -->"
)

// A Page is a Markdown page cut at its headings.
type Page struct {
	Name     string    // the page's path from the repository root, for messages
	Sections []Section // Sections[0] is the text above the first heading
}

// A Section is a heading and everything under it up to the next heading.
type Section struct {
	Level    int    // 1 for "#", 2 for "##" …; 0 for the top of the page
	Title    string // the heading's text
	Line     int    // the heading's line (1-based)
	Formulas []string
	Images   []string // image targets, as paths from the repository root
	Commands []string // every `go test …` and `go run …` command line
	Code     []string // inline code spans
	Blocks   []Block  // fenced code blocks, the output block not included
	Links    []Link   // every link and image target, as written
	Prose    string   // the text with code, formulas and link targets taken out

	HasOutput bool
	Output    string // the text between the output markers, exactly

	lines []numbered // the section's text outside code blocks, while parsing
}

// A Block is a fenced code block with its comments removed: a translated
// page may translate the comments, never the code.
type Block struct {
	Lang string
	Line int // the line of its opening fence
	Text string
}

// A Link is the target of a link or an image, as written in the page.
type Link struct {
	Line   int
	Target string
	Image  bool
}

type numbered struct {
	n    int
	text string
}

var (
	headingRE = regexp.MustCompile(`^(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$`)
	fenceRE   = regexp.MustCompile("^ {0,3}(`{3,}|~{3,})[ \t]*([^ \t`]*)")
	linkRE    = regexp.MustCompile(`(!?)\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(([^()\s]+)(?:\s+"[^"]*")?\)`)
	numberRE  = regexp.MustCompile(`^\d+(\.\d+)*\.?(\s|$)`)
	commandRE = regexp.MustCompile(`^go (test|run)(\s|$)`)
)

// Parse cuts a page into sections. name is the page's path from the
// repository root ("docs/zh/ch01_perceptron.md"); image targets are resolved
// against its folder.
func Parse(name string, src []byte) Page {
	text := strings.ReplaceAll(string(src), "\r\n", "\n")
	page := Page{Name: name, Sections: []Section{{}}}
	cur := &page.Sections[0]

	var (
		inFence  bool
		fence    string // the opening run of backticks or tildes
		block    Block
		body     []string
		inOutput bool
	)
	for i, line := range strings.Split(text, "\n") {
		n := i + 1
		if inFence {
			if t := strings.TrimSpace(line); strings.HasPrefix(t, fence) && strings.Trim(t, fence[:1]) == "" {
				inFence = false
				if !inOutput {
					block.Text = strings.Join(body, "\n")
					cur.Blocks = append(cur.Blocks, block)
				}
				continue
			}
			if !inOutput {
				code := stripComment(block.Lang, line)
				body = append(body, code)
				if c := squash(code); commandRE.MatchString(c) {
					cur.Commands = append(cur.Commands, c)
				}
			}
			continue
		}
		switch strings.TrimSpace(line) {
		case BeginOutput:
			inOutput = true
			cur.HasOutput = true
			continue
		case EndOutput:
			inOutput = false
			continue
		}
		if m := fenceRE.FindStringSubmatch(line); m != nil {
			inFence, fence = true, m[1]
			block, body = Block{Lang: m[2], Line: n}, nil
			continue
		}
		if inOutput {
			continue
		}
		if m := headingRE.FindStringSubmatch(line); m != nil {
			page.Sections = append(page.Sections, Section{Level: len(m[1]), Title: m[2], Line: n})
			cur = &page.Sections[len(page.Sections)-1]
			// The heading's own code spans and formulas count as its section's.
			cur.lines = append(cur.lines, numbered{n, m[2]})
			continue
		}
		cur.lines = append(cur.lines, numbered{n, unquote(line)})
	}

	if i := strings.Index(text, BeginOutput); i >= 0 {
		if j := strings.Index(text[i:], EndOutput); j >= 0 {
			for k := range page.Sections {
				if page.Sections[k].HasOutput {
					page.Sections[k].Output = text[i+len(BeginOutput) : i+j]
					break
				}
			}
		}
	}
	for k := range page.Sections {
		finish(&page.Sections[k], path.Dir(name))
	}
	return page
}

// finish extracts what a section's prose holds: inline code, links and
// images, formulas, and the plain text that is left. A code span or a link
// may run over the lines of a paragraph, as Markdown allows, so they are
// looked for in each paragraph (see paragraphs), not in each line.
func finish(s *Section, dir string) {
	var rest strings.Builder
	for _, para := range paragraphs(s.lines, s.Level > 0) {
		texts := make([]string, len(para))
		for k, l := range para {
			// A paragraph's lines are read without their indentation.
			texts[k] = strings.TrimLeft(l.text, " \t")
		}
		spans, left := codeSpans(strings.Join(texts, "\n"))
		s.Code = append(s.Code, spans...)
		for _, c := range spans {
			if c := squash(c); commandRE.MatchString(c) {
				s.Commands = append(s.Commands, c)
			}
		}
		for _, m := range linkRE.FindAllStringSubmatchIndex(left, -1) {
			lk := Link{
				Line:   para[0].n + strings.Count(left[:m[0]], "\n"),
				Target: left[m[6]:m[7]],
				Image:  m[3] > m[2],
			}
			s.Links = append(s.Links, lk)
			if lk.Image {
				s.Images = append(s.Images, path.Clean(path.Join(dir, lk.Target)))
			}
		}
		// Keep the link text (it is prose), drop the target.
		left = linkRE.ReplaceAllString(left, " $2 ")
		rest.WriteString(left)
		rest.WriteByte('\n')
	}
	s.lines = nil
	var prose string
	s.Formulas, prose = formulas(rest.String())
	s.Prose = prose
}

// listItemRE matches the first line of a list item.
var listItemRE = regexp.MustCompile(`^\s*([-*+]|\d+[.)])\s`)

// paragraphs groups a section's lines into the blocks a code span or a link
// cannot leave: a paragraph or list item ends at a blank line, at a code
// block or the output block (where the line numbers jump), and where the
// next list item starts; a table row is a block of its own, and so is the
// heading (the first line, when heading is true).
func paragraphs(lines []numbered, heading bool) [][]numbered {
	var (
		out [][]numbered
		cur []numbered
	)
	flush := func() {
		if len(cur) > 0 {
			out = append(out, cur)
			cur = nil
		}
	}
	for i, l := range lines {
		t := strings.TrimSpace(l.text)
		switch {
		case t == "":
			flush()
			continue
		case i == 0 && heading, strings.HasPrefix(t, "|"):
			flush()
			out = append(out, []numbered{l})
			continue
		case len(cur) > 0 && (l.n != cur[len(cur)-1].n+1 || listItemRE.MatchString(l.text)):
			flush()
		}
		cur = append(cur, l)
	}
	flush()
	return out
}

// unquote removes a blockquote's "> " markers from the start of a line.
func unquote(line string) string {
	t := strings.TrimLeft(line, " ")
	if !strings.HasPrefix(t, ">") {
		return line
	}
	for strings.HasPrefix(t, ">") {
		t = strings.TrimLeft(t[1:], " ")
	}
	return t
}

// codeSpans returns the inline code spans of a paragraph (CommonMark's
// rule: a run of n backticks closes at the next run of exactly n, and a line
// ending inside a span is a space) and the paragraph with each span replaced
// by a space (and the line endings it held, so that lines keep their numbers).
func codeSpans(line string) (spans []string, rest string) {
	var b strings.Builder
	for i := 0; i < len(line); {
		if line[i] != '`' {
			b.WriteByte(line[i])
			i++
			continue
		}
		j := i
		for j < len(line) && line[j] == '`' {
			j++
		}
		run := j - i
		end := -1
		for k := j; k < len(line); {
			if line[k] != '`' {
				k++
				continue
			}
			m := k
			for m < len(line) && line[m] == '`' {
				m++
			}
			if m-k == run {
				end = k
				break
			}
			k = m
		}
		if end < 0 {
			b.WriteString(line[i:j])
			i = j
			continue
		}
		c := strings.ReplaceAll(line[j:end], "\n", " ")
		if len(c) >= 2 && c[0] == ' ' && c[len(c)-1] == ' ' && strings.Trim(c, " ") != "" {
			c = c[1 : len(c)-1]
		}
		spans = append(spans, c)
		b.WriteByte(' ')
		b.WriteString(strings.Repeat("\n", strings.Count(line[j:end], "\n")))
		i = end + run
	}
	return spans, b.String()
}

// formulas returns the $$…$$ and $…$ spans of text, delimiters included and
// white space squashed (a formula may wrap differently in a translation),
// and the text without them.
func formulas(text string) (found []string, rest string) {
	var b strings.Builder
	for i := 0; i < len(text); {
		c := text[i]
		if c == '\\' && i+1 < len(text) && text[i+1] == '$' {
			b.WriteString("$")
			i += 2
			continue
		}
		if c != '$' {
			b.WriteByte(c)
			i++
			continue
		}
		delim := "$"
		if strings.HasPrefix(text[i:], "$$") {
			delim = "$$"
		}
		end := strings.Index(text[i+len(delim):], delim)
		if end < 0 || (delim == "$" && strings.Contains(text[i+1:i+1+end], "\n\n")) {
			b.WriteByte(c)
			i++
			continue
		}
		body := text[i+len(delim) : i+len(delim)+end]
		found = append(found, delim+squash(body)+delim)
		b.WriteByte(' ')
		i += 2*len(delim) + end
	}
	return found, b.String()
}

// stripComment drops a shell or Go comment from a line of a code block, and
// the spaces before it. Output ("text") blocks are kept as they are.
func stripComment(lang, line string) string {
	var marker string
	switch lang {
	case "", "sh", "bash", "shell", "console":
		marker = "#"
	case "go":
		marker = "//"
	default:
		return line
	}
	if strings.HasPrefix(strings.TrimSpace(line), marker) {
		return ""
	}
	for i := 1; i < len(line); i++ {
		if (line[i-1] == ' ' || line[i-1] == '\t') && strings.HasPrefix(line[i:], marker) {
			return strings.TrimRight(line[:i], " \t")
		}
	}
	return strings.TrimRight(line, " \t")
}

// squash collapses every run of white space to one space.
func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

// label names a section of an English page in a message about its twin:
// section 4 (English "Batches").
func (p Page) label(i int) string {
	if i == 0 {
		return "the top of the page (above the first heading)"
	}
	return fmt.Sprintf("section %d (English %s)", i, quote(p.Sections[i].Title))
}

// Where names a section of a page in a message about that page alone:
// section 4 ("批处理").
func (p Page) Where(i int) string {
	if i == 0 {
		return "the top of the page (above the first heading)"
	}
	return fmt.Sprintf("section %d (%s)", i, quote(p.Sections[i].Title))
}

// quote puts a heading in quotes as it reads, Chinese spaces unescaped.
func quote(title string) string { return `"` + plainTitle(title) + `"` }

// plainTitle is a heading without its Markdown emphasis and code marks.
func plainTitle(t string) string {
	return strings.NewReplacer("`", "", "**", "", "*", "").Replace(t)
}

// Compare lists, one line each, the ways the Chinese page zh differs from
// its English twin en in anything but prose. Each line names the Chinese
// page and the section (by its number and its English heading). No line
// means the two pages agree.
func Compare(en, zh Page) []string {
	var msgs []string
	say := func(i int, format string, args ...any) {
		msgs = append(msgs, fmt.Sprintf("%s, %s: ", zh.Name, en.label(i))+fmt.Sprintf(format, args...))
	}

	// One heading per heading, at the same level, in the same order. When
	// the counts differ, the first section whose content no longer agrees is
	// where a heading was added or dropped. Past the first mismatch the
	// sections no longer line up, so only the sections before it are compared.
	n := min(len(en.Sections), len(zh.Sections))
	same := n
	for i := 1; i < n; i++ {
		if en.Sections[i].Level != zh.Sections[i].Level ||
			(len(en.Sections) != len(zh.Sections) && !agree(en.Sections[i], zh.Sections[i])) {
			same = i
			break
		}
	}
	counts := fmt.Sprintf("the English page has %d headings, the Chinese %d", len(en.Sections)-1, len(zh.Sections)-1)
	switch {
	case len(zh.Sections) < len(en.Sections):
		there := "the Chinese page ends before it"
		if same < len(zh.Sections) {
			there = fmt.Sprintf("the Chinese heading in its place is %s (line %d)", quote(zh.Sections[same].Title), zh.Sections[same].Line)
		}
		say(same, "the Chinese page has no heading for it (%s; %s)", counts, there)
	case len(zh.Sections) > len(en.Sections):
		z := zh.Sections[same]
		msgs = append(msgs, fmt.Sprintf("%s, section %d: the Chinese heading %s (line %d) has no English twin (%s)",
			zh.Name, same, quote(z.Title), z.Line, counts))
	case same < n:
		e, z := en.Sections[same], zh.Sections[same]
		say(same, "the English heading is level %d (%s), the Chinese heading there, %s (line %d), is level %d",
			e.Level, strings.Repeat("#", e.Level), quote(z.Title), z.Line, z.Level)
	}
	for i := 1; i < same; i++ {
		e, z := en.Sections[i], zh.Sections[i]
		if en, zn := numberRE.FindString(e.Title), numberRE.FindString(z.Title); strings.TrimSpace(en) != strings.TrimSpace(zn) {
			say(i, "the English heading is numbered %q, the Chinese heading %s (line %d) is numbered %q",
				strings.TrimSpace(en), quote(z.Title), z.Line, strings.TrimSpace(zn))
		}
	}

	for i := 0; i < same; i++ {
		e, z := en.Sections[i], zh.Sections[i]
		diffSets(e.Images, z.Images, func(x string) { say(i, "the English shows the figure %s, the Chinese does not", x) },
			func(x string) { say(i, "the Chinese shows the figure %s, the English does not", x) })
		diffSets(e.Commands, z.Commands, func(x string) { say(i, "the English has the command `%s`, the Chinese does not", x) },
			func(x string) { say(i, "the Chinese has the command `%s`, the English does not", x) })
		diffSets(e.Formulas, z.Formulas, func(x string) { say(i, "the English has the formula %s, the Chinese does not", x) },
			func(x string) { say(i, "the Chinese has the formula %s, the English does not", x) })
		diffSets(e.Code, z.Code, func(x string) { say(i, "the English has the code `%s`, the Chinese does not", x) },
			func(x string) { say(i, "the Chinese has the code `%s`, the English does not", x) })

		if len(e.Blocks) != len(z.Blocks) {
			say(i, "the English has %d code blocks, the Chinese %d", len(e.Blocks), len(z.Blocks))
		} else {
			for k := range e.Blocks {
				if e.Blocks[k].Text != z.Blocks[k].Text {
					say(i, "code block %d (Chinese line %d) differs from the English one (line %d), comments aside: %s",
						k+1, z.Blocks[k].Line, e.Blocks[k].Line, firstDifference(e.Blocks[k].Text, z.Blocks[k].Text))
				}
			}
		}

		switch {
		case e.HasOutput && !z.HasOutput:
			say(i, "the English has the output block (%s … %s), the Chinese does not", BeginOutput, EndOutput)
		case z.HasOutput && !e.HasOutput:
			say(i, "the Chinese has an output block, the English does not")
		case e.HasOutput && e.Output != z.Output:
			say(i, "the output block differs from the English page's: %s", firstDifference(e.Output, z.Output))
		}
	}
	return msgs
}

// agree reports whether two sections hold the same figures, commands,
// formulas, inline code, code blocks and output.
func agree(e, z Section) bool {
	same := func(a, b []string) bool {
		x, y := set(a), set(b)
		if len(x) != len(y) {
			return false
		}
		for k := range x {
			if !y[k] {
				return false
			}
		}
		return true
	}
	if len(e.Blocks) != len(z.Blocks) || e.HasOutput != z.HasOutput || e.Output != z.Output {
		return false
	}
	for k := range e.Blocks {
		if e.Blocks[k].Text != z.Blocks[k].Text {
			return false
		}
	}
	return same(e.Images, z.Images) && same(e.Commands, z.Commands) && same(e.Formulas, z.Formulas) && same(e.Code, z.Code)
}

// diffSets calls missing for each distinct element of want not in got, and
// extra for each distinct element of got not in want, in sorted order.
func diffSets(want, got []string, missing, extra func(string)) {
	w, g := set(want), set(got)
	for _, x := range sorted(w) {
		if !g[x] {
			missing(x)
		}
	}
	for _, x := range sorted(g) {
		if !w[x] {
			extra(x)
		}
	}
}

func set(xs []string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}

func sorted(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// firstDifference shows the first line where two texts differ.
func firstDifference(en, zh string) string {
	e, z := strings.Split(en, "\n"), strings.Split(zh, "\n")
	for i := 0; i < len(e) || i < len(z); i++ {
		var el, zl string
		if i < len(e) {
			el = e[i]
		}
		if i < len(z) {
			zl = z[i]
		}
		if el != zl || i >= len(e) || i >= len(z) {
			return fmt.Sprintf("at its line %d the English reads %q, the Chinese %q", i+1, el, zl)
		}
	}
	return "they differ only in invisible characters"
}

// Slug is the anchor GitHub gives a heading: lower case, punctuation
// dropped (letters of every script kept), spaces turned into hyphens.
func Slug(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(plainTitle(heading)) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Anchors lists the anchors of a page's headings, numbered as GitHub numbers
// repeated ones ("errata", "errata-1", …).
func (p Page) Anchors() map[string]bool {
	seen := map[string]int{}
	anchors := map[string]bool{}
	for _, s := range p.Sections[1:] {
		a := Slug(s.Title)
		if k := seen[a]; k > 0 {
			anchors[fmt.Sprintf("%s-%d", a, k)] = true
		} else {
			anchors[a] = true
		}
		seen[a]++
	}
	return anchors
}
