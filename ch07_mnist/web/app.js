// The drawing page's script: plain JavaScript, no library. Three parts, as
// the page has three cards:
//
//   1. Draw: strokes on a canvas with pointer events (mouse, pen or finger),
//      undo and clear; the drawing goes to POST /api/predict as a PNG data
//      URL, and the answer fills the 28×28 view and the ten bars.
//   2. Watch: GET /api/events, a stream of Server-Sent Events, grows the two
//      charts and the progress bar; Stop is POST /api/stop.
//   3. What it learned: GET /api/learned (numbers) and the figures
//      /api/weights.svg and /api/confusion.svg, drawn by the Go functions
//      that -svg uses; a click on a mistake loads it onto the canvas.
"use strict";

const $ = (id) => document.getElementById(id);

// postJSON sends v as JSON and returns the answer's JSON; a 4xx or 5xx
// answer becomes an Error with the server's one-line message.
async function postJSON(url, v) {
  const answer = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(v),
  });
  const body = await answer.json();
  if (!answer.ok) throw new Error(body.error);
  return body;
}

// ---- 1. Draw ----------------------------------------------------------------

const pad = $("pad");
const pen = pad.getContext("2d");
const PEN_WIDTH = 22; // in canvas pixels: MNIST's strokes are thick for their size

// The drawing is a list of strokes, so that Undo can drop the last one and
// draw the rest again. A stroke is a list of points, or a picture (a mistake
// loaded from the "what it learned" card).
let strokes = [];
let stroke = null; // the stroke being drawn, while the pointer is down

function redraw() {
  pen.fillStyle = "white"; // white paper: the PNG is a dark digit on light, as a scan would be
  pen.fillRect(0, 0, pad.width, pad.height);
  pen.strokeStyle = pen.fillStyle = "#111";
  pen.lineWidth = PEN_WIDTH;
  pen.lineCap = pen.lineJoin = "round";
  for (const s of strokes) {
    if (s.picture) {
      pen.imageSmoothingEnabled = true;
      pen.drawImage(s.picture, 0, 0, pad.width, pad.height);
    } else if (s.length === 1) {
      pen.beginPath(); // a dot
      pen.arc(s[0][0], s[0][1], PEN_WIDTH / 2, 0, 2 * Math.PI);
      pen.fill();
    } else {
      pen.beginPath();
      pen.moveTo(s[0][0], s[0][1]);
      for (const [x, y] of s.slice(1)) pen.lineTo(x, y);
      pen.stroke();
    }
  }
}

// where returns the pointer's position in canvas pixels (the canvas may be
// shown larger or smaller than its 280×280 pixels).
function where(e) {
  const r = pad.getBoundingClientRect();
  return [(e.clientX - r.left) * (pad.width / r.width), (e.clientY - r.top) * (pad.height / r.height)];
}

pad.addEventListener("pointerdown", (e) => {
  pad.setPointerCapture(e.pointerId); // keep the stroke when the pointer leaves the canvas
  stroke = [where(e)];
  strokes.push(stroke);
  redraw();
  predict();
});
pad.addEventListener("pointermove", (e) => {
  if (!stroke) return;
  // A fast pen sends several positions per event: take them all.
  const all = e.getCoalescedEvents ? e.getCoalescedEvents() : [e];
  for (const c of all.length ? all : [e]) stroke.push(where(c));
  redraw();
  predict();
});
for (const name of ["pointerup", "pointercancel"]) {
  pad.addEventListener(name, () => {
    if (!stroke) return;
    stroke = null;
    predict();
  });
}
$("undo").addEventListener("click", () => { strokes.pop(); redraw(); predict(); });
$("clear").addEventListener("click", () => { strokes = []; redraw(); predict(); });

// predict asks the network about the drawing. While you draw it is called
// for every move, but at most one request is on its way at a time, and the
// next waits 120 ms at least: some eight requests a second.
let asking = false, askAgain = false;
async function predict() {
  if (asking) { askAgain = true; return; }
  if (strokes.length === 0) { showAnswer(null); return; }
  asking = true;
  const started = performance.now();
  try {
    showAnswer(await postJSON("/api/predict", { image: pad.toDataURL("image/png") }));
  } catch (err) {
    showAnswer(null, err.message || "the server does not answer: is the program still running?");
  }
  setTimeout(() => {
    asking = false;
    if (askAgain) { askAgain = false; predict(); }
  }, Math.max(0, 120 - (performance.now() - started)));
}

// The ten bars, made once.
let classes = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
function makeBars() {
  $("bars").innerHTML = "";
  for (const name of classes) {
    const li = document.createElement("li");
    li.innerHTML = '<span class="label"></span><span class="track"><span class="fill"></span></span><span class="pct"></span>';
    li.querySelector(".label").textContent = name;
    $("bars").append(li);
  }
}
makeBars();

// showAnswer shows what the network said, or clears the answer (with an
// error message, if there is one).
function showAnswer(a, error) {
  $("message").textContent = error || "";
  drawDigit($("seen"), a ? a.pixels : null);
  const bars = $("bars").children;
  for (let i = 0; i < bars.length; i++) {
    const p = a ? a.probabilities[i] : 0;
    bars[i].classList.toggle("best", !!a && i === a.digit);
    bars[i].querySelector(".fill").style.width = (100 * p).toFixed(1) + "%";
    bars[i].querySelector(".pct").textContent = a ? (100 * p).toFixed(1) + "%" : "";
  }
  $("digit").textContent = a ? classes[a.digit] : "?";
  $("sure").textContent = a ? (100 * a.probabilities[a.digit]).toFixed(1) + "% sure" : "draw a digit";
}

// drawDigit paints a 28×28 image (0 background … 255 ink) into a canvas of
// that size, ink dark on white like the drawing; CSS shows it larger.
function drawDigit(canvas, pixels) {
  const g = canvas.getContext("2d");
  const img = g.createImageData(canvas.width, canvas.height);
  for (let i = 0; i < canvas.width * canvas.height; i++) {
    const v = 255 - (pixels ? pixels[i] : 0);
    img.data.set([v, v, v, 255], 4 * i);
  }
  g.putImageData(img, 0, 0);
}

redraw();
showAnswer(null);

// ---- 2. Watch ----------------------------------------------------------------

let run = { phase: "connecting", epochs: 1 };
let points = []; // [epoch, training loss, training accuracy], each tenth of an epoch
let rows = [];   // {epoch, loss, accuracy}: the epoch table

const stream = new EventSource("/api/events");
stream.onopen = () => { points = []; rows = []; }; // a (re)connection sends the whole run again
stream.onerror = () => showPhase("offline", "the program is not running");
stream.addEventListener("run", (e) => { run = JSON.parse(e.data); showRun(); learned(); });
stream.addEventListener("points", (e) => { points.push(...JSON.parse(e.data)); drawCharts(); });
stream.addEventListener("epoch", (e) => { rows.push(JSON.parse(e.data)); drawCharts(); learned(); });
stream.addEventListener("progress", (e) => showProgress(JSON.parse(e.data)));
stream.addEventListener("model", () => { if (strokes.length) predict(); }); // a newer network: ask again

const phaseText = {
  loading: "loading the data", training: "training", finished: "trained",
  stopped: "stopped", failed: "failed", loaded: "loaded",
};
function showPhase(phase, text) {
  $("phase").textContent = text || phaseText[phase] || phase;
  $("phase").className = "pill " + phase;
}

function showRun() {
  if (run.measured) $("measured").textContent = run.measured === "train" ? "training" : run.measured;
  showPhase(run.phase, run.phase === "loaded" ? "loaded from " + run.model : null);
  $("network").textContent = [run.network, run.data].filter(Boolean).join(" · ") || "loading the data…";
  $("stop").disabled = !run.stoppable;
  if (run.message) $("stop-note").textContent = run.message;
  if (run.classes && run.classes.join() !== classes.join()) { classes = run.classes; makeBars(); }
  const over = {
    loaded: "This network was trained earlier and loaded from " + run.model + ": there is no training to watch.",
    finished: `Training is over: ${run.epochs} epoch${run.epochs === 1 ? "" : "s"}.`,
    stopped: "Training stopped: " + run.message + ".",
    failed: "Training failed: " + run.message,
  }[run.phase];
  if (over) {
    $("progress-text").textContent = over;
    $("stop-note").textContent = run.phase === "loaded" ? "" : "the page keeps the network as training left it";
  }
  if (run.phase === "finished") $("progress-bar").style.width = "100%";
  drawCharts();
}

function showProgress(p) {
  if (run.phase !== "training") return; // a stream opened after training sends its last progress too
  const done = (p.epoch - 1 + p.batch / p.perEpoch) / run.epochs;
  $("progress-bar").style.width = (100 * done).toFixed(1) + "%";
  $("progress-text").textContent = `epoch ${p.epoch} of ${run.epochs} · batch ${p.batch} of ${p.perEpoch} · loss so far ${p.loss.toFixed(4)}`;
}

$("stop").addEventListener("click", async () => {
  $("stop").disabled = true;
  try {
    $("stop-note").textContent = (await postJSON("/api/stop", {})).message;
  } catch (err) {
    $("stop-note").textContent = err.message;
  }
});

function drawCharts() {
  const epochs = Math.max(1, run.epochs || 1, ...points.map((p) => Math.ceil(p[0])));
  const topLoss = Math.max(0.1, ...points.map((p) => p[1])) * 1.05;
  chart($("loss-chart"), epochs, 0, topLoss, [
    { kind: "line", color: "#1f77b4", points: points.map((p) => [p[0], p[1]]) },
  ]);
  const tested = rows.map((r) => [r.epoch, r.accuracy]);
  if (run.initial !== undefined) tested.unshift([0, run.initial]);
  chart($("accuracy-chart"), epochs, 0, 1, [
    { kind: "line", color: "#1f77b4", points: points.map((p) => [p[0], p[2]]) },
    { kind: "dots", color: "#d62728", points: tested },
  ]);
}

// chart draws series of [x, y] points on a canvas, x from 0 to xMax and y
// from yMin to yMax, with a grid and its numbers.
function chart(canvas, xMax, yMin, yMax, series) {
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth, h = canvas.clientHeight;
  canvas.width = Math.round(w * dpr);
  canvas.height = Math.round(h * dpr);
  const g = canvas.getContext("2d");
  g.setTransform(dpr, 0, 0, dpr, 0, 0); // draw in CSS pixels, sharp on any screen
  const left = 46, right = 12, top = 10, bottom = 24;
  const sx = (x) => left + (x / xMax) * (w - left - right);
  const sy = (y) => top + (1 - (y - yMin) / (yMax - yMin)) * (h - top - bottom);

  g.font = "12px system-ui, sans-serif";
  g.fillStyle = "#5f6b7a";
  g.strokeStyle = "#e6e9ef";
  g.lineWidth = 1;
  g.textAlign = "right";
  g.textBaseline = "middle";
  for (const y of ticks(yMin, yMax, 4)) {
    g.beginPath(); g.moveTo(left, sy(y)); g.lineTo(w - right, sy(y)); g.stroke();
    g.fillText(+y.toFixed(3), left - 6, sy(y));
  }
  g.textAlign = "center";
  g.textBaseline = "top";
  for (const x of ticks(0, xMax, 8)) {
    g.beginPath(); g.moveTo(sx(x), top); g.lineTo(sx(x), h - bottom); g.stroke();
    g.fillText(x, sx(x), h - bottom + 6);
  }
  for (const s of series) {
    g.strokeStyle = g.fillStyle = s.color;
    if (s.kind === "line" && s.points.length > 1) {
      g.lineWidth = 2;
      g.beginPath();
      s.points.forEach(([x, y], i) => (i ? g.lineTo(sx(x), sy(y)) : g.moveTo(sx(x), sy(y))));
      g.stroke();
    }
    if (s.kind === "dots") {
      for (const [x, y] of s.points) {
        g.beginPath(); g.arc(sx(x), sy(y), 4.5, 0, 2 * Math.PI); g.fill();
        g.lineWidth = 0.8; g.strokeStyle = "#333"; g.stroke();
      }
    }
  }
}

// ticks returns about n round numbers (steps of 1, 2 or 5 times a power of
// ten) from lo to hi, as nn.Ticks does for the SVG figures.
function ticks(lo, hi, n) {
  const raw = (hi - lo) / n;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw);
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(+v.toFixed(10));
  return out;
}

window.addEventListener("resize", drawCharts);

// ---- 3. What it learned -----------------------------------------------------------

// learned fetches the view for the latest network: after each epoch, and
// when the run changes phase. One fetch at a time; a call during one
// fetches again after it.
let fetching = false, fetchAgain = false;
async function learned() {
  if (fetching) { fetchAgain = true; return; }
  fetching = true;
  try {
    const answer = await fetch("/api/learned");
    const v = await answer.json();
    if (answer.ok) showLearned(v);
    else $("learned-when").textContent = "(" + v.error + ")";
  } catch (err) {
    // the stream's error handler already says the program is gone
  }
  fetching = false;
  if (fetchAgain) { fetchAgain = false; learned(); }
}

function showLearned(v) {
  const when = run.phase === "loaded" ? "the network of " + run.model
    : v.epochs === 0 ? "before training" : `after ${+v.epochs.toFixed(2)} epoch${v.epochs === 1 ? "" : "s"}`;
  $("learned-when").textContent = `${when} · ${v.set} accuracy ${(100 * v.accuracy).toFixed(1)}%, ${v.right.toLocaleString("en")} of ${v.total.toLocaleString("en")}`;
  $("weights").src = "/api/weights.svg?v=" + v.version; // a new address for each new network
  $("confusion").src = "/api/confusion.svg?v=" + v.version;
  const box = $("mistakes");
  box.innerHTML = "";
  if (v.mistakes.length === 0) box.textContent = `None: every ${v.set} image is right.`;
  for (const m of v.mistakes) {
    const tile = document.createElement("button");
    tile.type = "button";
    tile.className = "mistake";
    tile.title = "draw #" + m.index + " on the canvas";
    const canvas = document.createElement("canvas");
    canvas.width = v.cols;
    canvas.height = v.rows;
    drawDigit(canvas, m.pixels);
    const truth = document.createElement("span");
    truth.textContent = `#${m.index}: a ${classes[m.truth]}`;
    const said = document.createElement("span");
    said.className = "said";
    said.textContent = `said ${classes[m.said]}, ${(100 * m.confidence).toFixed(0)}%`;
    tile.append(canvas, truth, said);
    tile.addEventListener("click", () => {
      strokes = [{ picture: canvas }]; // Undo takes it away again
      redraw();
      predict();
      $("draw-card").scrollIntoView({ behavior: "smooth" });
    });
    box.append(tile);
  }
}
