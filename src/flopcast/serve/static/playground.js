// flopcast playground: the scenario's YAML in an editor, a slider per input number, and the
// results, recomputed by the server (POST /api/evaluate) on every change. The editor's text
// is the one source of truth: a slider asks the server to rewrite its number in the text.
"use strict";

const STEPS = 1000;          // positions of a slider
const SLIDER_DELAY_MS = 120; // wait after a slider moves before recomputing
const TYPING_DELAY_MS = 400; // wait after typing before recomputing

const $ = (id) => document.getElementById(id);
// `unapplied` holds slider moves not yet in the editor's text: each request sends them all
// (a move sets a number, so sending it twice is harmless) and an answer that is shown clears
// those it carried, so a move survives an answer that a newer change made stale.
const state = { name: null, sequence: 0, unapplied: {}, timer: null, sliders: [] };
// While a slider is dragged the server sends outputs only (figures are the slow part); the
// tables and figures follow when it is released.

function valueAt(slider, position) {
  const f = position / STEPS;
  return slider.log ? slider.low * Math.pow(slider.high / slider.low, f)
                    : slider.low + (slider.high - slider.low) * f;
}

function positionOf(slider, value) {
  const f = slider.log ? Math.log(value / slider.low) / Math.log(slider.high / slider.low)
                       : (value - slider.low) / (slider.high - slider.low);
  return Math.round(Math.min(1, Math.max(0, f)) * STEPS);
}

// A value as the page shows it: as written in the file (up to 6 digits), or as a moved
// slider writes it (4 digits, as the server does).
function shown(value, unit, digits = 4) {
  const magnitude = Math.abs(value);
  const number = magnitude !== 0 && (magnitude >= 1e7 || magnitude < 1e-3)
    ? value.toExponential(digits - 1).replace(/\.?0*e\+?/, "e")
    : value.toLocaleString("en-US", { maximumSignificantDigits: digits });
  return number + (unit === "%" ? "%" : unit ? " " + unit : "");
}

function setStatus(text) { $("status").textContent = text; }

async function post(url, data) {
  const response = await fetch(url, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(data),
  });
  try { return await response.json(); }
  catch (e) { return { errors: [{ field: "", line: null, message: "server error " + response.status }] }; }
}

function showErrors(errors) {
  const list = $("errors");
  list.replaceChildren();
  document.querySelectorAll(".slider.bad").forEach((row) => row.classList.remove("bad"));
  for (const error of errors) {
    const item = document.createElement("li");
    const where = [error.field, error.line ? "line " + error.line : ""].filter(Boolean).join(", ");
    item.textContent = (where ? where + ": " : "") + error.message;
    item.dataset.field = error.field || "";
    if (error.line) item.addEventListener("click", () => selectLine(error.line));
    list.appendChild(item);
    const input = (error.field || "").match(/^inputs\.([^.\[]+)/);
    if (input) document.querySelectorAll(`.slider[data-input="${CSS.escape(input[1])}"]`)
      .forEach((row) => row.classList.add("bad"));
  }
  $("editor").setAttribute("aria-invalid", errors.length ? "true" : "false");
}

function selectLine(line) {
  const editor = $("editor");
  const lines = editor.value.split("\n");
  const start = lines.slice(0, line - 1).reduce((n, text) => n + text.length + 1, 0);
  editor.focus();
  editor.setSelectionRange(start, start + (lines[line - 1] || "").length);
}

function showOutputs(outputs) {
  const list = $("outputs");
  list.replaceChildren();
  for (const output of outputs) {
    const term = document.createElement("dt");
    term.textContent = output.name;
    const value = document.createElement("dd");
    value.dataset.output = output.name;
    value.textContent = output.text + (output.verdict ? " (" + output.verdict + ")" : "");
    if (output.verdict) value.className = output.verdict;
    list.append(term, value);
  }
}

function buildSliders(sliders) {
  const box = $("sliders");
  box.replaceChildren();
  state.sliders = sliders;
  for (const slider of sliders) {
    const row = document.createElement("div");
    row.className = "slider";
    row.dataset.input = slider.input;
    const id = "slider-" + slider.id;
    const label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = slider.id;
    const range = document.createElement("input");
    Object.assign(range, { type: "range", id, min: 0, max: STEPS, step: 1 });
    range.dataset.slider = slider.id;
    range.value = positionOf(slider, slider.number);
    const value = document.createElement("output");
    value.htmlFor = id;
    value.textContent = shown(slider.number, slider.unit, 6);
    range.addEventListener("input", () => {
      const number = valueAt(slider, Number(range.value));
      value.textContent = shown(number, slider.unit);
      state.unapplied[slider.id] = number;
      schedule(SLIDER_DELAY_MS, false, false);
    });
    range.addEventListener("change", () => schedule(0, false, true));
    row.append(label, range, value);
    box.appendChild(row);
  }
}

function sameSliders(a, b) {
  return a.length === b.length && a.every((s, i) => s.id === b[i].id);
}

function schedule(delay, rebuild, render = true) {
  clearTimeout(state.timer);
  state.timer = setTimeout(() => evaluate(rebuild, render), delay);
}

async function evaluate(rebuild, render = true) {
  const sequence = ++state.sequence;
  const moves = { ...state.unapplied };
  setStatus("computing…");
  document.body.dataset.state = "busy";
  const request = { name: state.name, text: $("editor").value, moves, render };
  const answer = await post("/api/evaluate", request);
  if (sequence !== state.sequence) return; // a newer change is on its way
  // Typed into since it was sent: keep the typing (its own request follows) and the moves.
  if ($("editor").value !== request.text) return;
  for (const [id, number] of Object.entries(moves)) {
    if (state.unapplied[id] === number) delete state.unapplied[id];
  }
  if (answer.text !== undefined && answer.text !== $("editor").value) $("editor").value = answer.text;
  showErrors(answer.errors || []);
  if (!(answer.errors || []).length) {
    showOutputs(answer.outputs);
    if (render) $("results").innerHTML = answer.html;
    $("results").classList.toggle("stale", !render);
    if (rebuild || !sameSliders(state.sliders, answer.sliders)) buildSliders(answer.sliders);
  }
  const failed = (answer.errors || []).length > 0;
  setStatus(failed ? "error" : render ? "up to date" : "outputs up to date; figures on release");
  document.body.dataset.state = failed ? "error" : render ? "ready" : "outputs";
}

async function open(name) {
  state.name = name;
  state.unapplied = {};
  const sequence = ++state.sequence;
  const response = await fetch("/api/file?name=" + encodeURIComponent(name));
  const data = await response.json();
  if (sequence !== state.sequence) return; // the page moved on while the file was read
  if (data.errors) { showErrors(data.errors); return; }
  $("editor").value = data.text;
  await evaluate(true);
}

async function save() {
  setStatus("saving…");
  const answer = await post("/api/save", { name: state.name, text: $("editor").value });
  showErrors(answer.errors || []);
  setStatus(answer.saved ? "saved " + state.name : "not saved: fix the errors first");
}

window.addEventListener("DOMContentLoaded", () => {
  const files = JSON.parse($("files-data").textContent);
  const picker = $("file");
  for (const name of files) picker.appendChild(new Option(name, name));
  picker.addEventListener("change", () => { if (picker.value !== state.name) open(picker.value); });
  $("editor").addEventListener("input", () => schedule(TYPING_DELAY_MS, true));
  $("save").addEventListener("click", save);
  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key === "s") { event.preventDefault(); save(); }
  });
  open(files[0]);
});
