package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"nnfromscratch/nn"
)

// meter watches a training run so that the loop in train.go does not have
// to: it prints a row of the epoch table after each epoch, keeps the clock
// (training steps only), redraws a progress line on a terminal, and records
// the loss and accuracy for the curves. batchDone runs once per batch and
// allocates nothing unless it redraws the progress line, at most five times
// a second.
type meter struct {
	w        io.Writer // the notebook
	progress io.Writer // a terminal for the progress line, or nil for none
	noTime   bool      // print "-" for times
	measured string    // what the accuracy column is measured on: "validation", "test" or "train"
	article  string    // whose accuracies are shown beside ours ("article 002"), if any
	reported []float64 // the article's accuracies: before training, then per epoch
	schedule bool      // the learning rate changes from epoch to epoch: the table shows it

	// The record of the run.
	epochLoss []float64     // mean training loss of each epoch
	accuracy  []float64     // held-out accuracy after each epoch
	curveX    []float64     // epochs (fractional), for the curves
	curveY    []float64     // mean loss over each tenth of an epoch
	curveAcc  []float64     // the share of right guesses on the batches of each tenth
	trained   time.Duration // time spent in training steps, all epochs
	augmented time.Duration // of which, distorting the training images (-augment)

	stoppedEarly int // the epoch after which early stopping stopped the run (0: it did not)
	kept         int // the epoch whose weights early stopping kept (0: the last)

	// The epoch under way.
	epoch, epochs, perEpoch int
	batches, images         int     // done so far this epoch
	lossSum                 float64 // Σ loss × batch size, this epoch
	right                   int     // right guesses on this epoch's batches
	lr                      float64 // this epoch's learning rate
	tenth                   int     // which tenth of the epoch is filling (1..10)
	winSum                  float64 // Σ loss × batch size in this tenth
	winImages, winRight     int
	clockOn                 time.Time     // when the clock was last started
	epochTime               time.Duration // training time of this epoch
	lastDraw                time.Time
	drawn                   int // width of the progress text on the terminal

	watch *watcher // the drawing page following the run (-serve), or nil
}

// progressWriter returns the terminal to draw a progress line on: stderr,
// when both it and the notebook output w are terminals (character
// devices). Redirected to a file or a pipe, the run stays quiet.
func progressWriter(w io.Writer) io.Writer {
	f, _ := w.(*os.File)
	if out, ok := w.(interface{ File() *os.File }); ok { // cli.Output, around os.Stdout
		f = out.File()
	}
	if f != nil && isTerminal(f) && isTerminal(os.Stderr) {
		return os.Stderr
	}
	return nil
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// newMeter prints the table's header. The accuracy column is measured on
// held, the images held out of training (nil: the training batches
// themselves); the article's accuracies are shown beside it only when the
// run reproduces the article on the data it used (showArticle).
func newMeter(w io.Writer, cfg *config, held *split, showArticle bool) *meter {
	points := 10 * min(cfg.epochs, 1000) // room for the curves' points; more grow as needed
	m := &meter{w: w, progress: progressWriter(w), noTime: cfg.noTime, epochs: cfg.epochs,
		curveX: make([]float64, 0, points), curveY: make([]float64, 0, points),
		curveAcc: make([]float64, 0, points), measured: "train", schedule: cfg.schedule != "none"}
	if held != nil {
		m.measured = held.name
	}
	if p := cfg.preset; len(p.reported) > 0 && showArticle {
		m.article, m.reported = articleOf(p), p.reported
	}
	fmt.Fprintf(w, "epoch  train loss  %s accuracy  seconds", m.measured)
	if m.schedule {
		fmt.Fprintf(w, "  learning rate")
	}
	if m.article != "" {
		fmt.Fprintf(w, "  %s", m.article)
	}
	fmt.Fprintln(w)
	return m
}

// startEpoch resets the counters and starts the clock, for an epoch of
// perEpoch batches at learning rate lr.
func (m *meter) startEpoch(epoch, perEpoch int, lr float64) {
	m.epoch, m.perEpoch, m.lr = epoch, perEpoch, lr
	m.batches, m.images, m.lossSum, m.right = 0, 0, 0, 0
	m.tenth, m.winSum, m.winImages, m.winRight = 1, 0, 0, 0
	m.epochTime = 0
	m.clockOn = time.Now()
	m.lastDraw = m.clockOn
}

// batchDone counts one batch: its mean loss, the probabilities the network
// gave (one row per image) and the true labels.
func (m *meter) batchDone(loss float64, probs nn.Matrix, labels []int) {
	n := len(labels)
	for r, row := range probs {
		if nn.Argmax(row) == labels[r] {
			m.winRight++
			m.right++
		}
	}
	m.batches++
	m.images += n
	m.lossSum += loss * float64(n)
	m.winSum += loss * float64(n)
	m.winImages += n
	// The curve gets a point at the end of each tenth of the epoch.
	if m.batches >= (m.tenth*m.perEpoch+9)/10 {
		m.curveX = append(m.curveX, float64(m.epoch-1)+float64(m.batches)/float64(m.perEpoch))
		m.curveY = append(m.curveY, m.winSum/float64(m.winImages))
		m.curveAcc = append(m.curveAcc, float64(m.winRight)/float64(m.winImages))
		m.winSum, m.winImages, m.winRight = 0, 0, 0
		for m.tenth <= 10 && (m.tenth*m.perEpoch+9)/10 <= m.batches {
			m.tenth++
		}
	}
	if m.progress != nil {
		if now := time.Now(); now.Sub(m.lastDraw) >= 200*time.Millisecond {
			m.lastDraw = now
			m.draw(now)
		}
	}
	if m.watch != nil {
		m.watch.batch(m)
	}
}

// draw redraws the progress line in place: '\r' returns to the start of the
// line, and spaces cover what a longer previous line left behind.
func (m *meter) draw(now time.Time) {
	rate := float64(m.images) / (m.epochTime + now.Sub(m.clockOn)).Seconds()
	text := fmt.Sprintf("epoch %d/%d  batch %s/%s  loss %.4f  %s images/s",
		m.epoch, m.epochs, nn.Thousands(m.batches), nn.Thousands(m.perEpoch),
		m.lossSum/float64(m.images), nn.Thousands(int(rate)))
	fmt.Fprintf(m.progress, "\r%s%s", text, strings.Repeat(" ", max(0, m.drawn-len(text))))
	m.drawn = len(text)
}

// clearLine wipes the progress line before the notebook prints a row.
func (m *meter) clearLine() {
	if m.progress != nil && m.drawn > 0 {
		fmt.Fprintf(m.progress, "\r%s\r", strings.Repeat(" ", m.drawn))
		m.drawn = 0
	}
}

// stopClock ends the epoch's training time.
func (m *meter) stopClock() {
	m.epochTime += time.Since(m.clockOn)
	m.trained += m.epochTime
	m.clearLine()
}

// abandonEpoch ends an epoch cut short by Ctrl-C: it gets no row in the
// table, and its time is not counted in the time per epoch.
func (m *meter) abandonEpoch() {
	m.clearLine()
}

// epochAccuracy is the share of right guesses on the training batches of
// the epoch, as they passed (in training mode: with dropout, on distorted
// images under -augment).
func (m *meter) epochAccuracy() float64 {
	return float64(m.right) / float64(max(1, m.images))
}

// epochDone prints the epoch's row of the table.
func (m *meter) epochDone(accuracy float64) {
	loss := m.lossSum / float64(max(1, m.images))
	m.epochLoss = append(m.epochLoss, loss)
	m.accuracy = append(m.accuracy, accuracy)
	fmt.Fprintf(m.w, "%5d  %10s  %*.4f  %7s", m.epoch, lossText(loss), len(m.measured)+9, accuracy, m.seconds(m.epochTime))
	if m.schedule {
		fmt.Fprintf(m.w, "  %13s", fmt.Sprintf("%.4g", m.lr))
	}
	if m.article != "" {
		if m.epoch < len(m.reported) {
			fmt.Fprintf(m.w, "  %*.4f", len(m.article), m.reported[m.epoch])
		}
	}
	fmt.Fprintln(m.w)
	if m.watch != nil {
		m.watch.epoch(m)
	}
}

// seconds formats a duration for the table, or "-" under -notime.
func (m *meter) seconds(d time.Duration) string {
	if m.noTime {
		return "-"
	}
	return fmt.Sprintf("%.2f", d.Seconds())
}

// share writes part as a percentage of all, or "-" under -notime.
func (m *meter) share(part, all time.Duration) string {
	if m.noTime {
		return "-"
	}
	return fmt.Sprintf("%.0f%%", 100*part.Seconds()/max(all.Seconds(), 1e-9))
}

// secondsPerEpoch is the mean training time of an epoch (0 when none ran).
func (m *meter) secondsPerEpoch() float64 {
	if len(m.epochLoss) == 0 {
		return 0
	}
	return m.trained.Seconds() / float64(len(m.epochLoss))
}

// lossText prints a loss with 4 decimals, or in scientific notation when a
// too-large learning rate has sent it far beyond any sensible value.
func lossText(loss float64) string {
	if loss < 1e4 {
		return fmt.Sprintf("%.4f", loss)
	}
	return fmt.Sprintf("%.3g", loss)
}
