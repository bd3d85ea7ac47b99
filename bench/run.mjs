// `npm run bench`: neurite and its peers (@tensorflow/tfjs cpu and wasm backends) on the same
// workloads, each run in its own process, interleaved, repeated; prints medians with min–max
// and the ratio peer/neurite, and writes bench/results.json. Options: --reps N (default 3),
// --only W1,K1, --libs neurite,tfjs-wasm.
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const reps = Number(opt('reps', '3'));
const workloads = opt('only', 'W1,W2,W3,W4,W5,W6,W7,W8,W8t,W8g,W9,W9b,D0,K1').split(',');
const worker = fileURLToPath(new URL('./worker.mjs', import.meta.url));
const torchWorker = fileURLToPath(new URL('./torch_worker.py', import.meta.url));

// PyTorch, where Debian's python3-torch is installed (W5 to W8), on one thread, with
// OpenBLAS's CPU type set to the fastest of those it knows for this CPU: Debian's OpenBLAS 0.3.21
// misdetects some new CPUs and runs slow generic kernels.
const PYTHON = '/usr/bin/python3';
const hasTorch = (() => { try { execFileSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }); return true; } catch { return false; } })();
// --merge: keep the other workloads of an earlier run in bench/results.json — of a run on this
// machine only: figures from another CPU in the same table would read as this one's.
const resultsFile = fileURLToPath(new URL('./results.json', import.meta.url));
const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
const report = args.includes('--report');
const stored = (args.includes('--merge') || report) && existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : null;
let coretype = process.env.OPENBLAS_CORETYPE;
// --report reprints a stored run: its core type is the stored one.
if (report && stored !== null) coretype ??= stored.openblasCoretype;
if (hasTorch && coretype === undefined) {
  const probe = 'import torch,time;torch.set_num_threads(1);a=torch.randn(512,512);[a@a for _ in range(3)];t=time.perf_counter();[a@a for _ in range(20)];print(2*512**3*20/(time.perf_counter()-t)/1e9)';
  // A core type this CPU lacks the instructions for (SkylakeX on an AVX2-only CPU) dies of an
  // illegal instruction: it counts as 0, not as the end of the bench.
  const rate = (c) => { try { return Number(execFileSync(PYTHON, ['-c', probe], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, OPENBLAS_CORETYPE: c, OPENBLAS_NUM_THREADS: '1' } })); } catch { return 0; } };
  const rates = ['', 'SkylakeX', 'Haswell', 'Zen'].map((c) => [c, rate(c)]);
  coretype = rates.reduce((best, r) => (r[1] > best[1] ? r : best))[0];
  process.stderr.write(`pytorch: OpenBLAS GFLOPS by OPENBLAS_CORETYPE: ${rates.map(([c, g]) => `${c || 'auto'} ${g > 0 ? g.toFixed(0) : 'fails on this CPU'}`).join(', ')}; using ${coretype || 'auto'}\n`);
  // Debian's python3-torch alone brings the reference BLAS (a few GFLOPS): OpenBLAS is a separate package.
  const blas = execFileSync(PYTHON, ['-c', "import torch;torch.randn(4,4)@torch.randn(4,4);print(any('openblas' in l for l in open('/proc/self/maps')))"], { encoding: 'utf8' }).trim();
  if (blas !== 'True') process.stderr.write('pytorch: runs on the reference BLAS, not OpenBLAS (apt-get install libopenblas0-pthread): its figures are not its best\n');
}
const libs = opt('libs', `neurite,neurite-wasm,neurite-plain,neurite-js,tfjs-cpu,tfjs-wasm${hasTorch ? ',pytorch' : ''}`).split(',');
if (!hasTorch) process.stderr.write('pytorch: not installed (apt-get install python3-torch libopenblas0-pthread); the workloads run without it\n');
const TORCH_WORKLOADS = ['W3', 'W4', 'W5', 'W6', 'W7', 'W8', 'K1'];
/** PyTorch's run: one thread, or for K1 one and two (merged into one result). */
const torchRun = (w, r) => {
  const once = (threads) => JSON.parse(execFileSync(PYTHON, [torchWorker, w, String(r + 1), String(threads)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads), OPENBLAS_CORETYPE: coretype ?? '' } }).trim().split('\n').pop());
  if (w !== 'K1') return once(1);
  const [one, two] = [once(1), once(2)];
  return { ...one, gflops: { ...one.gflops, ...two.gflops }, maxRssMB: Math.max(one.maxRssMB, two.maxRssMB) };
};

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const stats = (xs) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs), runs: xs });

const raw = {};
// --report: only print the table from bench/results.json.
for (const w of report ? [] : workloads) {
  for (let r = 0; r < reps; r++) {
    // Interleave the libraries within each repetition so drift in the machine hits all alike.
    for (const lib of libs) {
      // A full W3 epoch on the reference backend takes minutes; it is measured on 50 batches like the peers.

      if (lib === 'pytorch' && !TORCH_WORKLOADS.includes(w)) continue;
      // D0 measures neurite against itself.
      if (w === 'D0' && !lib.startsWith('neurite')) continue;
      // tfjs-cpu's backward convolutions take minutes per batch: W7 once.
      if (lib === 'tfjs-cpu' && w === 'W7' && r > 0) continue;
      process.stderr.write(`${w} ${lib} run ${r + 1}/${reps}\n`);
      const result = lib === 'pytorch'
        ? torchRun(w, r)
        : JSON.parse(execFileSync(process.execPath, [worker, lib, w, String(r + 1)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 24 }).trim().split('\n').pop());
      ((raw[w] ??= {})[lib] ??= []).push(result);
    }
  }
}

if (stored !== null && args.includes('--merge') && stored.machine !== machine) process.stderr.write(`bench: not merging bench/results.json (from ${stored.machine}, not this ${machine}): this run's workloads only\n`);
const summary = stored !== null && (report || stored.machine === machine) ? stored.summary : {};
for (const [w, byLib] of Object.entries(raw)) {
  summary[w] = {};
  for (const [lib, runs] of Object.entries(byLib)) {
    const s = { maxRssMB: stats(runs.map((r) => r.maxRssMB)) };
    if (runs[0].error !== undefined) {
      s.error = runs[0].error;
    } else if (w === 'K1') {
      for (const shape of Object.keys(runs[0].gflops)) s[shape] = stats(runs.map((r) => r.gflops[shape]));
    } else {
      s.seconds = stats(runs.map((r) => r.seconds));
      if (runs[0].accuracy !== undefined) s.accuracy = stats(runs.map((r) => r.accuracy));
      if (runs[0].samplesPerSecond !== undefined) s.samplesPerSecond = stats(runs.map((r) => r.samplesPerSecond));
      if (runs[0].extrapolatedFrom) s.extrapolatedFrom = runs[0].extrapolatedFrom;
      if (runs[0].backend) s.backend = runs[0].backend;
      if (runs[0].overheadPercent !== undefined) s.overheadPercent = stats(runs.map((r) => r.overheadPercent));
      if (runs[0].path) s.path = runs[0].path;
    }
    (summary[w] ??= {})[lib] = s;
  }
}

const f = (v, d = 2) => (v === undefined ? '—' : v.toFixed(d));
const cell = (s, d) => (s ? `${f(s.median, d)} (${f(s.min, d)}–${f(s.max, d)})` : '—');
const timeCell = (r, d) => (r?.error !== undefined ? `fails: ${r.error}` : cell(r?.seconds, d) + (r?.extrapolatedFrom ? '*' : ''));
const lines = [];
lines.push(`neurite benchmark — ${report && stored !== null ? stored.machine : machine}; ${reps} runs each, median (min–max)`);
lines.push('');
lines.push(`| workload | ${libs.join(' | ')} | tfjs-cpu / neurite | tfjs-wasm / neurite |${libs.includes('pytorch') ? ' pytorch / neurite |' : ''}`);
lines.push(`|---|${libs.map(() => '---|').join('')}---|---|${libs.includes('pytorch') ? '---|' : ''}`);
const ratio = (w, lib, key) => {
  const a = summary[w]?.[lib]?.[key]?.median;
  const b = summary[w]?.neurite?.[key]?.median;
  return a && b ? `${(a / b).toFixed(1)}×` : '—';
};
const names = {
  W1: 'W1 xor 2-2-1, 50,000 epochs (s)', W2: 'W2 mnist 784-30-30-10, 1 epoch (s)', W3: 'W3 mnist 784-512-512-10, 1 epoch (s)', W4: 'W4 predict 10,000 (s)',
  W5: 'W5 Keras mnist_mlp (dropout, RMSprop), 1 epoch (s)', W6: 'W6 784-800-10 SGD momentum, 1 epoch (s)',
  W7: 'W7 tfjs-examples mnist-node convnet, batch 64, 1 epoch (s)', W8: 'W8 embedding + LSTM 64 text classifier, 25,000 sequences of 100 (s)',
  W8t: 'W8t W8 with tfjs\'s default LSTM (hardSigmoid gates) (s)', W8g: 'W8g W8 with tfjs\'s default GRU 64 (hardSigmoid gates, reset before) (s)',
  W9: 'W9 MobileNet-v1 224², predict batch 1 (s per image)', W9b: 'W9b MobileNet-v1 224², predict batch 16 (s per image)',
};
for (const w of ['W1', 'W2', 'W3', 'W4', 'W5', 'W6', 'W7', 'W8', 'W8t', 'W8g', 'W9', 'W9b']) {
  if (!summary[w]) continue;
  const torchRatio = libs.includes('pytorch') ? ` ${ratio(w, 'pytorch', 'seconds')} |` : '';
  lines.push(`| ${names[w]} | ${libs.map((l) => timeCell(summary[w][l], w === 'W4' || w === 'W1' || w.startsWith('W9') ? 3 : 2)).join(' | ')} | ${ratio(w, 'tfjs-cpu', 'seconds')} | ${ratio(w, 'tfjs-wasm', 'seconds')} |${torchRatio}`);
  if (summary[w].neurite?.accuracy) lines.push(`| ${w} test accuracy | ${libs.map((l) => cell(summary[w][l]?.accuracy, 4)).join(' | ')} | | |`);
  lines.push(`| ${w} peak RSS (MB) | ${libs.map((l) => cell(summary[w][l]?.maxRssMB, 0)).join(' | ')} | | |`);
}
if (summary.D0) {
  lines.push(`| D0 dropout(0) added to 784-128-128-10 (Adam, batch 128): extra time per epoch (%) | ${libs.map((l) => cell(summary.D0[l]?.overheadPercent, 1)).join(' | ')} | | |`);
}
if (summary.K1) {
  // Rows per shape and thread count (×1, ×2); peers run one thread in Node.
  for (const key of Object.keys(summary.K1.neurite ?? summary.K1[libs[0]]).filter((k) => k !== 'maxRssMB')) {
    const one = key.replace(/×\d$/, '×1');
    const inv = (lib, k = one) => { const a = summary.K1[lib]?.[k]?.median; const b = summary.K1.neurite?.[key]?.median; return a && b ? `${(b / a).toFixed(2)}×` : '—'; };
    const threads = Number(key.slice(-1));
    // PyTorch at the same thread count; tfjs on its one.
    const torchRatio = libs.includes('pytorch') ? ` ${inv('pytorch', key)} |` : '';
    lines.push(`| K1 sgemm ${key.slice(0, -3)}, GFLOPS on ${threads} thread${threads > 1 ? 's' : ''} | ${libs.map((l) => cell(summary.K1[l]?.[key], 1)).join(' | ')} | ${inv('tfjs-cpu')} | ${inv('tfjs-wasm')} |${torchRatio}`);
  }
}
lines.push('');
lines.push('* extrapolated: W1 peers from 2,000 epochs, W3, W5 and W6 tfjs peers and neurite-js from 50 batches, W7 tfjs-cpu from 1 batch (one run: a batch takes minutes), neurite-plain and neurite-js from 20; W8, W8t and W8g from 30 batches (tfjs from 1, neurite-js from 3). Ratios: peer time / neurite time; for K1, neurite GFLOPS / peer GFLOPS (tfjs on one thread, PyTorch on the same count).');
const backendOf = Object.values(summary).map((byLib) => byLib.neurite?.backend).find((b) => b !== undefined);
if (backendOf) lines.push(`neurite: the default backend, ${backendOf}; neurite-wasm: WebAssembly (relaxed SIMD), the default where the native addon is not built.`);
if (libs.includes('pytorch')) lines.push(`PyTorch: Debian python3-torch on one thread (K1: one and two), OPENBLAS_CORETYPE=${coretype || '(auto)'}.`);
const text = lines.join('\n');
console.log(text);
// --report only prints: the stored run stays as it was.
if (!report) writeFileSync(resultsFile, JSON.stringify({ machine, reps, date: new Date().toISOString(), openblasCoretype: coretype ?? '', summary, table: text }, null, 2));
