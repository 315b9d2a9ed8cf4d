package main

// How the drawing page (-serve) follows a training run without ever
// touching the network being trained.
//
// The training goroutine owns the network: nothing else may read its
// weights while a step changes them, or use its layers' buffers while a
// forward pass fills them. So the page never sees it. Between two batches
// the meter hands the watcher the run's numbers — the progress, a point of
// the curves each tenth of an epoch, a row of the table each epoch — and
// after each epoch (and when a request finds the last copy over a second
// old) the watcher copies the whole network into a snapshot. Requests read
// only what the watcher holds, behind its mutex, and a snapshot is used by
// one request at a time, since a forward pass writes into its layers'
// buffers.

import (
	"bytes"
	"encoding/json"
	"sync"
	"sync/atomic"
	"time"

	"nnfromscratch/nn"
)

const (
	progressEvery = 250 * time.Millisecond // the page's progress bar, four times a second at most
	snapshotEvery = time.Second            // a fresher copy for predictions, once a second at most
)

// The phases of a run, as the page shows them.
const (
	phaseLoading  = "loading"  // reading the data
	phaseTraining = "training" // the loop is running
	phaseFinished = "finished" // every epoch done
	phaseStopped  = "stopped"  // by the page's Stop button, Ctrl-C or SIGTERM
	phaseFailed   = "failed"   // diverged, or learned nothing
	phaseLoaded   = "loaded"   // -model: a saved network, no training
)

// watcher is what the page knows of the run.
type watcher struct {
	epochs int // the run's -epochs

	// The training goroutine's own: set by follow, used by the hooks.
	net      *nn.MLP
	spare    *snapshot // an old copy no request holds any more, to reuse
	lastSent time.Time // when progress was last sent
	lastCopy time.Time // when the last snapshot was taken
	copied   int       // how many of the meter's curve points the watcher has
	at       float64   // how far training has got, in epochs

	want atomic.Bool // a request found the snapshot over a second old

	mu          sync.Mutex
	changed     chan struct{} // closed, and replaced, at every change
	run         runInfo
	runSeq      int
	points      [][3]float64 // epoch, training loss, training accuracy: one per tenth of an epoch
	rows        []epochRow
	progress    progressInfo
	progressSeq int
	snap        *snapshot // the latest copy of the network, or nil before there is one
	test        *split    // the images of the "what it learned" view: held out of training (validation) while it runs, then the test images
	names       []string  // the classes' names (Fashion-MNIST), or nil for digits
}

// runInfo is the page's header: what runs, and in which phase.
type runInfo struct {
	Phase     string   `json:"phase"`
	Network   string   `json:"network,omitempty"` // "784-64-10 relu (50,890 parameters)"
	Data      string   `json:"data,omitempty"`    // the data set's name
	Model     string   `json:"model,omitempty"`   // -model FILE
	Epochs    int      `json:"epochs"`
	Initial   *float64 `json:"initial,omitempty"`  // accuracy before training, on the images measured each epoch
	Measured  string   `json:"measured,omitempty"` // what the epochs' accuracy is measured on: "validation", "test" or "train"
	Classes   []string `json:"classes,omitempty"`
	Message   string   `json:"message,omitempty"` // why training stopped or failed
	Stoppable bool     `json:"stoppable"`         // the Stop button does something
}

// epochRow is a row of the epoch table.
type epochRow struct {
	Epoch    int     `json:"epoch"`
	Loss     float64 `json:"loss"`     // mean training loss of the epoch
	Accuracy float64 `json:"accuracy"` // after it, on the images runInfo.Measured names
}

// progressInfo is where the epoch under way has got to.
type progressInfo struct {
	Epoch    int     `json:"epoch"`
	Batch    int     `json:"batch"`
	PerEpoch int     `json:"perEpoch"`
	Loss     float64 `json:"loss"` // the epoch's mean loss so far
}

// snapshot is a copy of the network that requests use. Its weights never
// change once it is published; busy is held for every use of net, because
// its layers keep buffers that every forward pass writes.
type snapshot struct {
	net     *nn.MLP
	version int       // 1, 2, … in the order published
	epochs  float64   // how far training had got: 2.5 is halfway through the third epoch
	taken   time.Time // when it was copied
	users   int       // requests holding it (guarded by watcher.mu)
	test    *split    // the images of the "what it learned" view
	names   []string  // the classes' names, or nil for digits

	busy sync.Mutex
	view *learnedView // what it learned, worked out when first asked (guarded by busy)
}

func newWatcher(epochs int) *watcher {
	return &watcher{epochs: epochs, changed: make(chan struct{}), run: runInfo{Phase: phaseLoading, Epochs: epochs}}
}

// update changes the watcher's state under its mutex and wakes every
// request waiting for news (the event streams).
func (w *watcher) update(change func()) {
	w.mu.Lock()
	defer w.mu.Unlock()
	change()
	close(w.changed)
	w.changed = make(chan struct{})
}

// ---- The hooks, called by the training goroutine ----------------------------

// follow starts following a training run of net on the data d, whose
// held-out images (d.heldOut) the untrained net gets initial right. While
// the run trains, the page's "what it learned" is measured on those images
// (the validation split; the training images when there is none), never on
// the test images, which the run uses once at the end (tested). A nil
// watcher (no -serve) follows nothing: it returns nil, and the meter then
// calls no hook.
func (w *watcher) follow(net *nn.MLP, d *splits, cfg *config, initial float64) *watcher {
	if w == nil {
		return nil
	}
	w.net = net
	held, measured := d.heldOut(cfg), "train"
	if held != nil {
		measured = held.name
	} else {
		held = heldSplit("training", d.train.images.Head(mnistTest))
	}
	w.update(func() {
		w.test, w.names = held, classNames(d.ds)
		w.run = runInfo{Phase: phaseTraining, Network: net.String(), Data: d.ds.Name, Epochs: w.epochs,
			Initial: &initial, Measured: measured, Classes: classLabels(d.ds.Classes, w.names), Stoppable: true}
		w.runSeq++
	})
	w.publish(0)
	return w
}

// batch runs after every batch, so it must cost next to nothing: it sends
// progress four times a second at most, and copies the network only when a
// request asked for a fresher copy and the last is a second old.
func (w *watcher) batch(m *meter) {
	w.at = float64(m.epoch-1) + float64(m.batches)/float64(m.perEpoch)
	now := time.Now()
	if now.Sub(w.lastSent) >= progressEvery {
		w.lastSent = now
		w.update(func() {
			w.takePoints(m)
			w.progress = progressInfo{Epoch: m.epoch, Batch: m.batches, PerEpoch: m.perEpoch, Loss: m.lossSum / float64(max(1, m.images))}
			w.progressSeq++
		})
	}
	if w.want.Load() && now.Sub(w.lastCopy) >= snapshotEvery {
		w.want.Store(false)
		w.publish(w.at)
	}
}

// epoch runs after each epoch's row of the table: the page gets the row, and
// a copy of the network as it ends the epoch.
func (w *watcher) epoch(m *meter) {
	last := len(m.epochLoss) - 1
	w.update(func() {
		w.takePoints(m)
		w.rows = append(w.rows, epochRow{Epoch: m.epoch, Loss: m.epochLoss[last], Accuracy: m.accuracy[last]})
	})
	w.at = float64(m.epoch)
	w.publish(w.at)
}

// takePoints copies the curve points the meter has added since the last
// call (under w.mu).
func (w *watcher) takePoints(m *meter) {
	for ; w.copied < len(m.curveX); w.copied++ {
		w.points = append(w.points, [3]float64{m.curveX[w.copied], m.curveY[w.copied], m.curveAcc[w.copied]})
	}
}

// tested says that training is over and the run has used its test images
// te: the page's "what it learned" shows them from the next snapshot on
// (finish takes one). A nil watcher does nothing.
func (w *watcher) tested(te *split) {
	if w == nil {
		return
	}
	w.update(func() { w.test = te })
}

// finish ends the run, in the given phase, with a message saying why: the
// last snapshot is then the network as training left it (if its weights are
// numbers). It runs in the goroutine that trained, once training is over.
func (w *watcher) finish(phase, message string) {
	if w.net != nil {
		w.publish(w.at)
	}
	w.update(func() {
		w.run.Phase, w.run.Message, w.run.Stoppable = phase, message, false
		w.runSeq++
	})
}

// publish copies the network into a snapshot, taken after the given number
// of epochs of training, and makes it the one requests get. A snapshot
// no request holds any more is reused for the next copy: copying weights
// costs little, building a network (by saving it to memory and loading it
// back, which works for any network nn can save) costs more.
func (w *watcher) publish(epochs float64) {
	if !finiteWeights(w.net) {
		return // diverging: keep the last sound copy
	}
	s := w.spare
	w.spare = nil
	if s != nil {
		s.net.CopyFrom(w.net) // the weights, batch normalisation's statistics, the input's conversion
		s.view = nil
	} else {
		c, err := cloneNetwork(w.net)
		if err != nil {
			return
		}
		s = &snapshot{net: c}
	}
	s.taken = time.Now()
	w.lastCopy = s.taken
	w.update(func() {
		old := w.snap
		s.version, s.epochs, s.test, s.names = 1, epochs, w.test, w.names
		if old != nil {
			s.version = old.version + 1
		}
		w.snap = s
		if old != nil && old.users == 0 {
			w.spare = old // no request holds it, and none can get it now
		}
	})
}

// loaded shows a saved network, which nothing trains: it is its own
// snapshot.
func (w *watcher) loaded(net *nn.MLP, model string, te *split, name string, names []string) {
	w.update(func() {
		w.test, w.names = te, names
		w.snap = &snapshot{net: net, version: 1, taken: time.Now(), test: te, names: names}
		w.run = runInfo{Phase: phaseLoaded, Network: net.String(), Data: name, Model: model,
			Classes: classLabels(net.Sizes[len(net.Sizes)-1], names)}
		w.runSeq++
	})
}

// cloneNetwork makes an independent copy of net: saved to memory and loaded
// back, bit for bit (nn.Save writes every number so that it reads back the
// same, with batch normalisation's statistics and the input's conversion).
func cloneNetwork(net *nn.MLP) (*nn.MLP, error) {
	var b bytes.Buffer
	if err := net.Save(&b); err != nil {
		return nil, err
	}
	return nn.Load(&b)
}

// classLabels names the classes for the page: "0" … "9", or the names.
func classLabels(classes int, names []string) []string {
	if names != nil {
		return names
	}
	labels := make([]string, classes)
	for i := range labels {
		labels[i] = className(i, nil)
	}
	return labels
}

// ---- What requests read ------------------------------------------------------

// acquire returns the latest snapshot, held until release, or nil when
// there is none yet. If training runs and the copy is a second old, it asks
// the training loop for a fresher one, which the next request will get.
func (w *watcher) acquire() *snapshot {
	w.mu.Lock()
	defer w.mu.Unlock()
	s := w.snap
	if s == nil {
		return nil
	}
	s.users++
	if w.run.Phase == phaseTraining && time.Since(s.taken) >= snapshotEvery {
		w.want.Store(true)
	}
	return s
}

func (w *watcher) release(s *snapshot) {
	w.mu.Lock()
	defer w.mu.Unlock()
	s.users--
}

// event is one Server-Sent Event: its type and its JSON.
type event struct {
	name string
	data []byte
}

// cursor is how much of the run an event stream has sent.
type cursor struct {
	run, points, rows, progress, version int
}

// news returns the events a stream at c has not sent yet, moving c past
// them, and a channel closed at the next change.
func (w *watcher) news(c *cursor) ([]event, <-chan struct{}) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var evs []event
	add := func(name string, v any) {
		if b, err := json.Marshal(v); err == nil {
			evs = append(evs, event{name, b})
		}
	}
	if c.run != w.runSeq {
		add("run", w.run)
		c.run = w.runSeq
	}
	if c.points < len(w.points) {
		add("points", w.points[c.points:])
		c.points = len(w.points)
	}
	for ; c.rows < len(w.rows); c.rows++ {
		add("epoch", w.rows[c.rows])
	}
	if c.progress != w.progressSeq {
		add("progress", w.progress)
		c.progress = w.progressSeq
	}
	if s := w.snap; s != nil && c.version != s.version {
		add("model", map[string]any{"version": s.version, "epochs": s.epochs})
		c.version = s.version
	}
	return evs, w.changed
}
