/**
 * Keras's progress output. verbose 1: a live bar per epoch
 * (`1875/1875 [====>....] - ETA: 3s - loss: 0.2331 - accuracy: 0.9312`), redrawn with `\r` on
 * a terminal; on a pipe or file, no escape or carriage-return codes: only the finished line.
 * verbose 2: one line per epoch.
 */
import { Callback } from './callbacks.js';
import type { Logs } from './types.js';

/** Where progress goes: anything with `write`; `isTTY` selects the live bar. */
export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export function defaultStream(): OutputStream {
  const proc = (globalThis as { process?: { stdout?: OutputStream } }).process;
  if (proc?.stdout !== undefined) return proc.stdout;
  let line = '';
  return {
    write(text: string) {
      line += text;
      const parts = line.split('\n');
      line = parts.pop() ?? '';
      for (const p of parts) console.log(p);
    },
  };
}

/** Keras's number format: 4 decimals, scientific below 1e-3. */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(4);
}

function formatTime(seconds: number): string {
  if (seconds >= 3600) return `${Math.floor(seconds / 3600)}:${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}:${String(Math.floor(seconds % 60)).padStart(2, '0')}`;
  if (seconds >= 60) return `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, '0')}`;
  return `${Math.round(seconds)}s`;
}

function formatPerStep(seconds: number): string {
  if (seconds >= 1) return `${Math.round(seconds)}s/step`;
  if (seconds >= 1e-3) return `${Math.round(seconds * 1e3)}ms/step`;
  return `${Math.round(seconds * 1e6)}us/step`;
}

export function formatLogs(logs: Logs, keys: readonly string[]): string {
  return keys.filter((k) => k in logs).map((k) => ` - ${k}: ${formatValue(logs[k]!)}`).join('');
}

export function bar(current: number, total: number, width = 30): string {
  const filled = Math.floor((width * current) / total);
  if (current >= total) return `[${'='.repeat(width)}]`;
  return `[${'='.repeat(Math.max(0, filled))}>${'.'.repeat(Math.max(0, width - filled - 1))}]`;
}

export class ProgbarLogger extends Callback {
  private start = 0;
  private lastDraw = 0;
  private lastLength = 0;
  private readonly now: () => number;

  constructor(private readonly verbose: 1 | 2, private readonly stream: OutputStream = defaultStream(), now?: () => number) {
    super();
    this.now = now ?? (() => performance.now());
  }

  private keys(logs: Logs): string[] {
    const metricKeys = ['loss', ...(this.params?.metrics ?? [])];
    const val = metricKeys.map((k) => `val_${k}`);
    return [...metricKeys, ...val, ...Object.keys(logs).filter((k) => !metricKeys.includes(k) && !val.includes(k) && k !== 'batch' && k !== 'size')];
  }

  /** verbose 1 opens with the road the step takes, and why when it is the slow one. */
  onTrainBegin(): void {
    const p = this.params!;
    if (this.verbose !== 1) return;
    const road = p.path === 'eager' ? `eager${p.pathReason === undefined ? '' : ` (${p.pathReason})`}` : p.path;
    this.stream.write(`Training step: ${road}\n`);
  }

  onEpochBegin(epoch: number): void {
    const p = this.params!;
    this.stream.write(`Epoch ${epoch + 1}/${p.epochs}\n`);
    this.start = this.now();
    this.lastDraw = 0;
    this.lastLength = 0;
  }

  onBatchEnd(batch: number, logs: Logs): void {
    if (this.verbose !== 1 || !this.stream.isTTY) return;
    const t = this.now();
    const total = this.params!.steps;
    const current = batch + 1;
    if (current < total && t - this.lastDraw < 50) return;
    this.lastDraw = t;
    const elapsed = (t - this.start) / 1000;
    const eta = (elapsed / current) * (total - current);
    const width = String(total).length;
    const line = `${String(current).padStart(width)}/${total} ${bar(current, total)} - ETA: ${formatTime(eta)}${formatLogs(logs, this.keys(logs))}`;
    this.stream.write(`\r${line}${' '.repeat(Math.max(0, this.lastLength - line.length))}`);
    this.lastLength = line.length;
  }

  onEpochEnd(_epoch: number, logs: Logs): void {
    const p = this.params!;
    const elapsed = (this.now() - this.start) / 1000;
    const perStep = formatPerStep(elapsed / Math.max(1, p.steps));
    const stats = formatLogs(logs, this.keys(logs));
    if (this.verbose === 2) {
      this.stream.write(`${p.steps}/${p.steps} - ${formatTime(elapsed)} - ${perStep}${stats}\n`);
      return;
    }
    const line = `${p.steps}/${p.steps} ${bar(p.steps, p.steps)} - ${formatTime(elapsed)} ${perStep}${stats}`;
    const pad = this.stream.isTTY ? ' '.repeat(Math.max(0, this.lastLength - line.length)) : '';
    this.stream.write(`${this.stream.isTTY ? '\r' : ''}${line}${pad}\n`);
  }
}
