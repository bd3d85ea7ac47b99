/**
 * The playground page: controls, the URL, drawing. Training, data and every number shown come
 * from the worker (`worker.ts`); this thread only keeps the state and draws, so it stays
 * responsive while training.
 */
import { snippet } from './code.js';
import { FEATURES, type FeatureId } from './features.js';
import { LOSSES_FOR, planNetwork } from './network.js';
import { type CsvInput, type DataMessage, type FromWorker, type ToWorker, type UpdateMessage, csvHeader } from './protocol.js';
import {
  ACTIVATION_CHOICES, DATASETS, MAX_LAYERS, MAX_UNITS, OPTIMIZER_CHOICES, decodeState, encodeState,
  type ActivationChoice, type DatasetId, type LossChoice, type OptimizerChoice, type PlaygroundState,
} from './state.js';
import type { ToRender } from './render.js';
import { classColour, drawCurve, drawHeatmap, hitTest, layoutNetwork, unitColour, unitImage, unitScale, type History, type NetworkLayout } from './view.js';

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`playground: the page has no #${id}`);
  return el as T;
};
const input = (id: string): HTMLInputElement => $<HTMLInputElement>(id);
const select = (id: string): HTMLSelectElement => $<HTMLSelectElement>(id);

const DATASET_LABELS: Record<DatasetId, string> = {
  xor: 'XOR', circles: 'circles', moons: 'moons', spiral: 'spiral', blobs: 'Gaussian blobs', plane: 'plane (regression)', peaks: 'peaks (regression)', csv: 'your CSV',
};
const MAX_CSV_BYTES = 50 * 1024 * 1024;

let state: PlaygroundState;
let csv: CsvInput | null = null;
let data: DataMessage | null = null;
let update: UpdateMessage | null = null;
let layout: NetworkLayout | null = null;
let playing = false;
const emptyHistory = (): History => ({ epochs: [], train: [], test: [], trainAccuracy: [], testAccuracy: [] });
let history: History = emptyHistory();
/** Whether a weight was edited by hand since the network was made (the copied code cannot know it). */
let edited = false;
let drawPending = false;

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const send = (m: ToWorker): void => worker.postMessage(m);
const renderer = new Worker(new URL('./render.ts', import.meta.url), { type: 'module' });
const networkCanvas = $<HTMLCanvasElement>('network');
let networkSize = { width: 300, height: 150 };
{
  const offscreen = networkCanvas.transferControlToOffscreen();
  renderer.postMessage({ type: 'canvas', canvas: offscreen } satisfies ToRender, [offscreen]);
}

// ---- notices ------------------------------------------------------------------------------
function notice(text: string, kind: 'info' | 'error' = 'info'): void {
  const el = $('notice');
  el.textContent = text;
  el.className = kind;
  el.hidden = text === '';
}

// ---- state ↔ controls ------------------------------------------------------------------------
function options(sel: HTMLSelectElement, values: readonly string[], labels: (v: string) => string = (v) => v): void {
  sel.replaceChildren(...values.map((v) => new Option(labels(v), v)));
}

function showState(): void {
  select('dataset').value = state.dataset;
  $('classes-row').hidden = state.dataset !== 'spiral' && state.dataset !== 'blobs';
  // A CSV brings its own points: only the split (train share, data seed) applies to it.
  for (const id of ['noise-row', 'points-row', 'regenerate']) $(id).hidden = state.dataset === 'csv';
  input('classes').value = String(state.classes);
  input('noise').value = String(state.noise);
  $('noise-value').textContent = state.noise.toFixed(2);
  input('points').value = String(state.points);
  input('train').value = String(state.trainRatio);
  $('train-value').textContent = `${Math.round(state.trainRatio * 100)}%`;
  input('data-seed').value = String(state.dataSeed);
  input('show-test').checked = state.showTest;
  $('csv-columns').hidden = state.dataset !== 'csv';
  for (const f of FEATURES) {
    const box = input(`feature-${f.id}`);
    box.checked = state.features.includes(f.id);
    box.disabled = state.dataset === 'csv';
  }
  const kind = data?.kind;
  const losses: LossChoice[] = ['', ...(kind === undefined ? [] : LOSSES_FOR[kind])];
  if (!losses.includes(state.loss)) losses.push(state.loss);
  options(select('loss'), losses, (v) => (v === '' ? 'auto' : v));
  select('loss').value = state.loss;
  select('optimizer').value = state.optimizer;
  input('lr').value = String(state.learningRate);
  input('batch').value = String(state.batchSize);
  input('l1').value = String(state.l1);
  input('l2').value = String(state.l2);
  input('dropout').value = String(state.dropout);
  input('seed').value = String(state.seed);
  $('layer-count').textContent = `${state.hidden.length} hidden layer${state.hidden.length === 1 ? '' : 's'}`;
  $<HTMLButtonElement>('add-layer').disabled = state.hidden.length >= MAX_LAYERS;
  $<HTMLButtonElement>('remove-layer').disabled = state.hidden.length === 0;
}

/** The state changed: into the URL, and a fresh network (or, for `redraw`, only a new picture). */
function commit(how: 'configure' | 'redraw' = 'configure'): void {
  const fragment = encodeState(state);
  replaceUrl(fragment);
  showState();
  if (how === 'redraw') return scheduleDraw();
  configure();
}

function replaceUrl(fragment: string): void {
  window.history.replaceState(null, '', fragment === '' ? window.location.pathname + window.location.search : `#${fragment}`);
}

function configure(): void {
  playing = false;
  edited = false;
  showPlaying();
  history = emptyHistory();
  data = null;
  update = null;
  send({ type: 'configure', state: structuredClone(state), csv });
}

function bindNumber(id: string, set: (v: number) => void, how: 'configure' | 'redraw' = 'configure'): void {
  input(id).addEventListener('change', () => {
    const el = input(id);
    const v = Number(el.value);
    const lo = el.min === '' ? -Infinity : Number(el.min);
    const hi = el.max === '' ? Infinity : Number(el.max);
    const integer = el.step === '1';
    if (el.value.trim() === '' || !Number.isFinite(v) || v < lo || v > hi || (integer && !Number.isInteger(v))) {
      notice(`${id}: expected ${integer ? 'an integer' : 'a number'} in [${lo}, ${hi}], got '${el.value}'`, 'error');
      showState();
      return;
    }
    set(v);
    commit(how);
  });
}

function buildControls(): void {
  options(select('dataset'), DATASETS, (v) => DATASET_LABELS[v as DatasetId]);
  options(select('optimizer'), OPTIMIZER_CHOICES);
  $('features').replaceChildren(...FEATURES.map((f) => {
    const label = document.createElement('label');
    label.className = 'check';
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.id = `feature-${f.id}`;
    box.addEventListener('change', () => {
      const next = FEATURES.map((g) => g.id as FeatureId).filter((id) => (id === f.id ? box.checked : state.features.includes(id)));
      if (next.length === 0) {
        notice('the network needs at least one input feature', 'error');
        box.checked = true;
        return;
      }
      state.features = next;
      commit();
    });
    label.append(box, f.label);
    return label;
  }));
  select('dataset').addEventListener('change', () => {
    state.dataset = select('dataset').value as DatasetId;
    state.loss = '';
    commit();
  });
  bindNumber('classes', (v) => (state.classes = v));
  input('noise').addEventListener('input', () => ($('noise-value').textContent = Number(input('noise').value).toFixed(2)));
  bindNumber('noise', (v) => (state.noise = v));
  bindNumber('points', (v) => (state.points = v));
  input('train').addEventListener('input', () => ($('train-value').textContent = `${Math.round(Number(input('train').value) * 100)}%`));
  bindNumber('train', (v) => (state.trainRatio = v));
  bindNumber('data-seed', (v) => (state.dataSeed = v));
  $('regenerate').addEventListener('click', () => {
    state.dataSeed = (state.dataSeed + 1) % 2 ** 31;
    commit();
  });
  input('show-test').addEventListener('change', () => {
    state.showTest = input('show-test').checked;
    commit('redraw');
  });
  select('loss').addEventListener('change', () => {
    state.loss = select('loss').value as LossChoice;
    commit();
  });
  select('optimizer').addEventListener('change', () => {
    state.optimizer = select('optimizer').value as OptimizerChoice;
    commit();
  });
  bindNumber('lr', (v) => (state.learningRate = v));
  bindNumber('batch', (v) => (state.batchSize = v));
  bindNumber('l1', (v) => (state.l1 = v));
  bindNumber('l2', (v) => (state.l2 = v));
  bindNumber('dropout', (v) => (state.dropout = v));
  bindNumber('seed', (v) => (state.seed = v));
  $('add-layer').addEventListener('click', () => {
    if (state.hidden.length >= MAX_LAYERS) return;
    const last = state.hidden[state.hidden.length - 1];
    state.hidden.push({ units: last?.units ?? 4, activation: last?.activation ?? 'tanh' });
    commit();
  });
  $('remove-layer').addEventListener('click', () => {
    state.hidden.pop();
    commit();
  });
  for (const [id, key] of [['target', 'target'], ['x-column', 'xColumn'], ['y-column', 'yColumn']] as const) {
    select(id).addEventListener('change', () => {
      state[key] = select(id).value;
      if (key === 'target') { state.xColumn = ''; state.yColumn = ''; state.loss = ''; }
      commit();
    });
  }
  // ---- CSV ----
  const readCsv = async (file: File): Promise<void> => {
    if (file.size > MAX_CSV_BYTES) {
      notice(`${file.name}: ${(file.size / 2 ** 20).toFixed(1)} MB; the playground reads CSV files up to ${MAX_CSV_BYTES / 2 ** 20} MB`, 'error');
      return;
    }
    csv = { name: file.name, text: await file.text() };
    const header = csvHeader(csv.text);
    options(select('target'), header);
    state.dataset = 'csv';
    state.target = header[header.length - 1] ?? '';
    state.xColumn = '';
    state.yColumn = '';
    state.loss = '';
    select('target').value = state.target;
    commit();
  };
  input('csv-file').addEventListener('change', () => {
    const f = input('csv-file').files?.[0];
    if (f !== undefined) void readCsv(f);
  });
  const drop = $('drop');
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const f = e.dataTransfer?.files[0];
    if (f !== undefined) void readCsv(f);
  });
  // ---- run ----
  $('play').addEventListener('click', () => {
    playing = !playing;
    send({ type: playing ? 'play' : 'pause' });
    showPlaying();
  });
  $('step').addEventListener('click', () => {
    playing = false;
    showPlaying();
    send({ type: 'step' });
  });
  $('reset').addEventListener('click', () => {
    playing = false;
    showPlaying();
    history = emptyHistory();
    edited = false;
    send({ type: 'reset' });
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === ' ' && !(e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement)) {
      e.preventDefault();
      $('play').click();
    }
  });
  // ---- share ----
  $('copy-link').addEventListener('click', () => {
    void navigator.clipboard?.writeText(window.location.href).then(() => notice('link copied'), () => notice(window.location.href));
  });
  $('download').addEventListener('click', () => send({ type: 'export' }));
  $('copy-code').addEventListener('click', () => {
    if (data === null || update === null) return;
    const code = snippet(state, planNetwork(state, data.kind, data.inputNames.length, data.classNames.length), update.epoch, csv?.name);
    const pre = $('code');
    pre.textContent = code;
    pre.hidden = false;
    const caveat = edited ? " (without the weights you edited by hand: it cannot know them)" : '';
    void navigator.clipboard?.writeText(code).then(() => notice(`code copied: it trains the same network to the same loss${caveat}`), () => undefined);
    if (edited) notice(`this code trains the same network from the same seed${caveat}`);
  });
  bindNetworkPointer();
}

function showPlaying(): void {
  $('play').textContent = playing ? 'pause' : 'play';
}

/** Per-hidden-layer controls (units ±, activation) above each column. */
function layerControls(): void {
  const box = $('layer-controls');
  if (layout === null || data === null) return box.replaceChildren();
  box.replaceChildren(...state.hidden.map((l, i) => {
    const col = layout!.columns[i + 1]!;
    const div = document.createElement('div');
    div.className = 'layer-control';
    div.style.left = `${col.x + layout!.size / 2}px`;
    const units = document.createElement('div');
    units.className = 'units';
    const minus = document.createElement('button');
    minus.textContent = '−';
    minus.title = 'one unit fewer';
    minus.dataset.layer = String(i);
    minus.className = 'unit-minus';
    minus.disabled = l.units <= 1;
    const plus = document.createElement('button');
    plus.textContent = '+';
    plus.title = 'one unit more';
    plus.className = 'unit-plus';
    plus.disabled = l.units >= MAX_UNITS;
    const count = document.createElement('span');
    count.textContent = `${l.units}`;
    minus.addEventListener('click', () => { l.units = Math.max(1, l.units - 1); commit(); });
    plus.addEventListener('click', () => { l.units = Math.min(MAX_UNITS, l.units + 1); commit(); });
    units.append(minus, count, plus);
    const act = document.createElement('select');
    act.className = 'activation';
    options(act, ACTIVATION_CHOICES);
    act.value = l.activation;
    act.addEventListener('change', () => { l.activation = act.value as ActivationChoice; commit(); });
    div.append(units, act);
    return div;
  }));
}

// ---- drawing ----------------------------------------------------------------------------------
function scheduleDraw(): void {
  if (drawPending) return;
  drawPending = true;
  requestAnimationFrame(() => {
    drawPending = false;
    draw();
  });
}

function fmt(v: number | null): string {
  return v === null ? '–' : Number.isFinite(v) ? v.toFixed(4) : String(v);
}

function draw(): void {
  if (data === null || update === null) return;
  $('epoch').textContent = update.epoch.toLocaleString('en');
  $('speed').textContent = update.playing && update.stepsPerSecond > 0 ? update.stepsPerSecond.toFixed(0) : '–';
  for (const [id, v] of [['train-loss', update.trainLoss], ['test-loss', update.testLoss], ['train-acc', update.trainAccuracy], ['test-acc', update.testAccuracy]] as const) {
    const el = $(id);
    el.textContent = fmt(v);
    el.dataset.value = v === null ? '' : String(v);
  }
  drawCurve($<HTMLCanvasElement>('curve'), history);
  drawHeatmap($<HTMLCanvasElement>('heatmap'), data, update, state.showTest);
  renderer.postMessage({ type: 'draw', data, update, layout: layout!, ...networkSize } satisfies ToRender);
}

function onData(d: DataMessage): void {
  data = d;
  const placed = layoutNetwork(d.units, $('network-scroll').clientWidth - 4);
  layout = placed.layout;
  networkSize = { width: placed.width, height: placed.height };
  networkCanvas.style.width = `${placed.width}px`;
  networkCanvas.style.height = `${placed.height}px`;
  layerControls();
  $('legend').replaceChildren(...(d.kind === 'regression'
    ? [Object.assign(document.createElement('span'), { textContent: `target from ${d.labelRange[0].toFixed(2)} (orange) to ${d.labelRange[1].toFixed(2)} (blue)` })]
    : d.classNames.map((name, k) => {
      const s = document.createElement('span');
      s.style.setProperty('--c', classColour(k));
      s.textContent = name;
      return s;
    })));
  $('model-inputs').textContent = `The downloaded model's inputs, in order: ${d.inputNames.join(', ')}.`;
  if (state.dataset === 'csv') {
    options(select('x-column'), d.inputNames);
    options(select('y-column'), d.inputNames);
    const xi = d.inputNames.includes(state.xColumn) ? state.xColumn : d.inputNames[0]!;
    const yi = d.inputNames.includes(state.yColumn) ? state.yColumn : d.inputNames[Math.min(1, d.inputNames.length - 1)]!;
    select('x-column').value = xi;
    select('y-column').value = yi;
  }
  showState();
}

function onUpdate(u: UpdateMessage): void {
  if (history.epochs.length > 0 && u.epoch < history.epochs[history.epochs.length - 1]!) history = emptyHistory();
  if (history.epochs[history.epochs.length - 1] !== u.epoch) {
    history.epochs.push(u.epoch);
    history.train.push(u.trainLoss);
    history.test.push(u.testLoss);
    history.trainAccuracy.push(u.trainAccuracy);
    history.testAccuracy.push(u.testAccuracy);
  }
  update = u;
  if (!u.playing && playing && u.epoch > 0 && !Number.isFinite(u.trainLoss)) playing = false;
  scheduleDraw();
}

function download(name: string, bytes: BlobPart, type: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([bytes], { type }));
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

worker.onmessage = (e: MessageEvent<FromWorker>) => {
  const m = e.data;
  switch (m.type) {
    case 'ready':
      // Without cross-origin isolation there is no SharedArrayBuffer, so no worker threads.
      $('backend').textContent = self.crossOriginIsolated ? m.backend : `${m.backend} (one thread: the page is not cross-origin isolated)`;
      $('backend').title = `neurite's backend in the training worker (one core is left to the page)`;
      return;
    case 'data':
      if ($('notice').className === 'error') notice('');
      return onData(m);
    case 'update':
      return onUpdate(m);
    case 'model':
      download('model.json', m.json, 'application/json');
      download('weights.bin', m.weights as Uint8Array<ArrayBuffer>, 'application/octet-stream');
      notice("model.json and weights.bin downloaded: load them with neurite's or TensorFlow.js's loadLayersModel");
      return;
    case 'error':
      playing = false;
      showPlaying();
      notice(m.message, 'error');
      return;
  }
};
worker.onerror = (e) => notice(`the training worker failed: ${e.message}`, 'error');

// ---- pointer on the network ------------------------------------------------------------------
function bindNetworkPointer(): void {
  const canvas = networkCanvas;
  const tip = $('tooltip');
  const editor = input('weight-editor');
  let editing: [number, number, number] | null = null;
  const at = (e: MouseEvent): [number, number] => {
    const r = canvas.getBoundingClientRect();
    return [((e.clientX - r.left) * networkSize.width) / r.width, ((e.clientY - r.top) * networkSize.height) / r.height];
  };
  const place = (e: MouseEvent): void => {
    tip.style.left = `${e.clientX + 14}px`;
    tip.style.top = `${e.clientY + 14}px`;
  };
  const unitName = (c: number, j: number): string => {
    if (data === null) return '';
    if (c === 0) return `input ${data.inputNames[j]}`;
    const out = c === data.units.length - 1;
    const cls = out && data.kind === 'multiclass' ? ` (${data.classNames[j]})` : '';
    return `${out ? 'output' : `layer ${c}`}, unit ${j + 1}${cls}: ${data.activations[c - 1]}`;
  };
  canvas.addEventListener('mousemove', (e) => {
    if (layout === null || data === null || update === null) return;
    const [x, y] = at(e);
    const hit = hitTest(layout, update, x, y);
    const map = $<HTMLCanvasElement>('tooltip-map');
    if (hit === null) { tip.hidden = true; canvas.style.cursor = ''; return; }
    if ('unit' in hit) {
      const [c, j] = hit.unit;
      const units = data.units[c]!;
      const tile = document.createElement('canvas');
      tile.width = tile.height = 24;
      tile.getContext('2d')!.putImageData(unitImage(update.neurons[c]!, units, j, unitScale(update, c, units, j), unitColour(data, c, j)), 0, 0);
      const ctx = map.getContext('2d')!;
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(tile, 0, 0, map.width, map.height);
      map.hidden = false;
      $('tooltip-text').textContent = unitName(c, j);
      canvas.style.cursor = '';
    } else {
      const [l, i, j] = hit.link;
      const w = update.kernels[l]![i * data.units[l + 1]! + j]!;
      map.hidden = true;
      $('tooltip-text').textContent = `weight ${w.toPrecision(4)} from ${unitName(l, i)} to ${unitName(l + 1, j)} — click to edit`;
      canvas.style.cursor = 'pointer';
    }
    place(e);
    tip.hidden = false;
  });
  canvas.addEventListener('mouseleave', () => (tip.hidden = true));
  canvas.addEventListener('click', (e) => {
    if (layout === null || update === null || data === null) return;
    const [x, y] = at(e);
    const hit = hitTest(layout, update, x, y);
    if (hit === null || !('link' in hit)) return;
    editing = hit.link;
    const [l, i, j] = hit.link;
    editor.value = String(update.kernels[l]![i * data.units[l + 1]! + j]!);
    editor.style.left = `${e.clientX}px`;
    editor.style.top = `${e.clientY}px`;
    editor.hidden = false;
    editor.focus();
    editor.select();
  });
  const commitEdit = (): void => {
    if (editing === null) return;
    const v = Number(editor.value);
    const [layer, from, to] = editing;
    editing = null;
    editor.hidden = true;
    if (editor.value.trim() === '' || !Number.isFinite(v)) return notice(`a weight must be a finite number, got '${editor.value}'`, 'error');
    edited = true;
    send({ type: 'setWeight', layer, from, to, value: v });
  };
  editor.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') commitEdit();
    if (e.key === 'Escape') { editing = null; editor.hidden = true; }
  });
  editor.addEventListener('blur', () => { editing = null; editor.hidden = true; });
}

// ---- start -------------------------------------------------------------------------------------
function loadFromUrl(): void {
  const { state: s, problems } = decodeState(window.location.hash);
  state = s;
  notice(problems.length > 0 ? `Some of the link's settings were not used:\n${problems.join('\n')}` : '');
  showState();
  configure();
}

buildControls();
loadFromUrl();
window.addEventListener('hashchange', loadFromUrl);

/** Read-only view for tests and the curious (the console): what the page was last sent. */
Object.defineProperty(window, 'neuritePlayground', {
  value: Object.freeze({
    get state() { return structuredClone(state); },
    get data() { return data; },
    get update() { return update; },
    get playing() { return playing; },
  }),
});
