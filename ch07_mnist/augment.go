package main

// -augment: every epoch the network trains on a fresh distortion of every
// training image (data.Augmenter: shifts, rotations, scalings and elastic
// distortions), so that it learns what a 3 is rather than where the 3s of
// the training set happen to sit. This file parses -distort, runs the
// augmenter each epoch and draws what it does to one digit.

import (
	"errors"
	"fmt"
	"html"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"nnfromscratch/data"
	"nnfromscratch/nn"
)

// defaultDistortion is what -augment does unless -distort says otherwise:
// shifts of up to 2 pixels, rotations of up to 10°, scalings of up to 10%
// and elastic distortions with σ 5 and α 34, about Simard, Steinkraus and
// Platt's (2003) settings for MNIST.
var defaultDistortion = data.Distortion{Shift: 2, Rotate: 10, Scale: 0.1, Sigma: 5, Alpha: 34}

// distortParts are the names -distort knows, in the order it writes them.
var distortParts = []string{"shift", "rotate", "scale", "sigma", "alpha"}

// part returns a pointer to the field of d that -distort calls name.
func part(d *data.Distortion, name string) *float64 {
	switch name {
	case "shift":
		return &d.Shift
	case "rotate":
		return &d.Rotate
	case "scale":
		return &d.Scale
	case "sigma":
		return &d.Sigma
	case "alpha":
		return &d.Alpha
	}
	return nil
}

// parseDistortion reads -distort: parts NAME=VALUE separated by commas, such
// as shift=2,rotate=10; a part left out is off. Whether each value is in
// range depends on the images' size, and is checked with them
// (newAugmentation).
func parseDistortion(s string) (data.Distortion, error) {
	var d data.Distortion
	seen := map[string]bool{}
	for _, p := range strings.Split(s, ",") {
		name, value, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok {
			return d, fmt.Errorf("%q is not NAME=VALUE; want parts such as shift=2,rotate=10", p)
		}
		field := part(&d, name)
		if field == nil {
			return d, fmt.Errorf("unknown part %q; want %s", name, orList(distortParts))
		}
		if seen[name] {
			return d, fmt.Errorf("%s is given twice", name)
		}
		seen[name] = true
		v, err := strconv.ParseFloat(value, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return d, fmt.Errorf("%s=%s: %q is not a number", name, value, value)
		}
		*field = v
	}
	if (d.Sigma > 0) != (d.Alpha > 0) {
		return d, errors.New("an elastic distortion needs both sigma (how smooth, in pixels) and alpha (how far, in pixels), such as sigma=5,alpha=34")
	}
	return d, nil
}

// distortionText writes d as -distort reads it, leaving out the parts that
// are off.
func distortionText(d data.Distortion) string {
	var parts []string
	for _, name := range distortParts {
		if v := *part(&d, name); v != 0 {
			parts = append(parts, fmt.Sprintf("%s=%g", name, v))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ",")
}

// augmentation distorts a run's training images anew every epoch.
type augmentation struct {
	aug       *data.Augmenter
	distorted data.Set // this epoch's copies; the buffer is reused
	m         *meter   // which counts the time it takes
}

// newAugmentation makes the augmenter -augment and -distort ask for, for
// the images of d, its draws seeded by -seed; nil without -augment.
func newAugmentation(cfg *config, d *splits) (*augmentation, error) {
	if !cfg.augment {
		return nil, nil
	}
	s := d.train.images
	aug, err := data.NewAugmenter(cfg.distort, s.Rows, s.Cols, cfg.seed)
	if err != nil {
		return nil, fmt.Errorf("-distort %s: %v", distortionText(cfg.distort), strings.TrimPrefix(err.Error(), "augmentation: "))
	}
	return &augmentation{aug: aug}, nil
}

// epoch replaces the training images the network takes (tr.x) by this
// epoch's distortion of the originals (tr.images, which stay as they are):
// data.Augmenter.Epoch distorts them all, on every core, the same whatever
// their number, and inputInto turns the bytes into the network's input.
func (a *augmentation) epoch(net *nn.MLP, tr *split, epoch int) {
	start := time.Now()
	a.aug.Epoch(&a.distorted, tr.images, epoch)
	inputInto(net, tr.x, a.distorted.Images)
	if a.m != nil {
		a.m.augmented += time.Since(start)
	}
}

// ---- What it does to one digit ---------------------------------------------

// augmentFile is the figure -svg DIR writes under -augment.
const augmentFile = "ch07_augment.svg"

// augmentRow is one row of the grid: a part of the distortion alone, or all
// of it, and the images it makes of one digit.
type augmentRow struct {
	label  string
	images [][]byte // one per epoch shown
}

// augmentGrid distorts image i of s for epochs 1 … epochs under each part of
// d alone (the parts that are on) and then under all of d: what the network
// sees of that image, epoch after epoch. The augmenters are seeded as the
// run's (-seed), so "all" is what training sees.
func augmentGrid(d data.Distortion, s *data.Set, i, epochs int, seed uint64) []augmentRow {
	type alone struct {
		label string
		d     data.Distortion
	}
	var parts []alone
	if d.Shift > 0 {
		parts = append(parts, alone{fmt.Sprintf("shift ±%g px", d.Shift), data.Distortion{Shift: d.Shift}})
	}
	if d.Rotate > 0 {
		parts = append(parts, alone{fmt.Sprintf("rotation ±%g°", d.Rotate), data.Distortion{Rotate: d.Rotate}})
	}
	if d.Scale > 0 {
		parts = append(parts, alone{fmt.Sprintf("scaling ±%g%%", 100*d.Scale), data.Distortion{Scale: d.Scale}})
	}
	if d.Sigma > 0 && d.Alpha > 0 {
		parts = append(parts, alone{fmt.Sprintf("elastic σ %g α %g", d.Sigma, d.Alpha), data.Distortion{Sigma: d.Sigma, Alpha: d.Alpha}})
	}
	parts = append(parts, alone{"all together", d})
	var rows []augmentRow
	for _, p := range parts {
		a, err := data.NewAugmenter(p.d, s.Rows, s.Cols, seed)
		if err != nil {
			panic(err) // a part of a distortion newAugmentation accepted
		}
		row := augmentRow{label: p.label}
		for e := 1; e <= epochs; e++ {
			img := make([]byte, s.Rows*s.Cols)
			a.Image(img, s.Image(i), e, i)
			row.images = append(row.images, img)
		}
		rows = append(rows, row)
	}
	return rows
}

// printAugmentation shows, in characters, the first training image as it is
// and as the first epoch sees it under each part of the distortion alone and
// under all of it together, three pictures to a row.
func printAugmentation(w io.Writer, cfg *config, tr *split) {
	s := tr.images
	rows := augmentGrid(cfg.distort, s, 0, 1, cfg.seed)
	pictures := []augmentRow{{label: "the original, " + aDigit(tr.labels[0]), images: [][]byte{s.Image(0)}}}
	pictures = append(pictures, rows...)
	fmt.Fprintln(w, "-augment: every epoch, every training image is distorted anew, at random (drawn from -seed):")
	fmt.Fprintf(w, "  %s.\n", cfg.distort)
	fmt.Fprintln(w, "The first training image, and what epoch 1 makes of it under each part alone, then all together:")
	fmt.Fprintln(w)
	const perRow, gap = 3, "   "
	for lo := 0; lo < len(pictures); lo += perRow {
		group := pictures[lo:min(lo+perRow, len(pictures))]
		var sb strings.Builder
		art := make([][]string, len(group))
		for k, p := range group {
			if k > 0 {
				sb.WriteString(gap)
			}
			fmt.Fprintf(&sb, "%-*s", s.Cols, p.label)
			art[k] = asciiHalfHeight(p.images[0], s.Rows, s.Cols)
		}
		fmt.Fprintln(w, strings.TrimRight(sb.String(), " "))
		for r := range art[0] {
			sb.Reset()
			for k := range group {
				if k > 0 {
					sb.WriteString(gap)
				}
				sb.WriteString(art[k][r])
			}
			if line := strings.TrimRight(sb.String(), " "); line != "" {
				fmt.Fprintln(w, line)
			}
		}
		fmt.Fprintln(w)
	}
}

// augmentEpochs is how many epochs the figure shows.
const augmentEpochs = 8

// augmentFigure is the figure -svg DIR writes under -augment: the first
// training image, and what epochs 1 to 8 make of it, each part alone, then
// all together.
func augmentFigure(cfg *config, tr *split) figure {
	return figure{augmentFile, "the distortions of -augment", augmentSVG(cfg, tr)}
}

func augmentSVG(cfg *config, tr *split) func(io.Writer) error {
	return func(w io.Writer) error {
		s := tr.images
		rows := augmentGrid(cfg.distort, s, 0, augmentEpochs, cfg.seed)
		const scale, gap, left, top, rowGap = 3, 8, 130, 62, 22
		tw, th := s.Cols*scale, s.Rows*scale
		grid := top + th + rowGap + 18 // the first row of distortions, under the epochs' numbers
		width := left + augmentEpochs*(tw+gap) + 12
		height := grid + len(rows)*(th+rowGap) + 10
		var b strings.Builder
		svgHead(&b, width, height, fmt.Sprintf("-augment: one training image, %s, as each epoch sees it", aDigit(tr.labels[0])))
		fmt.Fprintf(&b, `<text x="%d" y="44" text-anchor="middle" fill="#444">%s</text>`+"\n", width/2,
			html.EscapeString("each part of the distortion alone, then all together; a new random draw every epoch"))
		for e := 1; e <= augmentEpochs; e++ {
			fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">epoch %d</text>`+"\n", left+(e-1)*(tw+gap)+tw/2, grid-8, e)
		}
		tile := func(x, y int, img []byte) {
			pix := make([]byte, len(img))
			for p, v := range img {
				pix[p] = 255 - v // ink dark on white paper
			}
			svgImage(&b, x, y, s.Cols, s.Rows, scale, storedPNG(s.Cols, s.Rows, pix, nil))
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#bbb"/>`+"\n", x, y, tw, th)
		}
		label := func(y int, text string) {
			fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" dominant-baseline="middle">%s</text>`+"\n", left-10, y+th/2, html.EscapeString(text))
		}
		label(top, "the original")
		tile(left, top, s.Image(0))
		for k, r := range rows {
			y := grid + k*(th+rowGap)
			label(y, r.label)
			for e, img := range r.images {
				tile(left+e*(tw+gap), y, img)
			}
		}
		return finish(w, &b)
	}
}
