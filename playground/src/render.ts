/**
 * The network view's own worker: it draws the links and unit maps on the page's network canvas
 * (handed over with transferControlToOffscreen), off the page's thread.
 */
import type { DataMessage, UpdateMessage } from './protocol.js';
import { drawNetwork, type NetworkLayout } from './view.js';

export type ToRender =
  | { type: 'canvas'; canvas: OffscreenCanvas }
  | { type: 'draw'; data: DataMessage; update: UpdateMessage; layout: NetworkLayout; width: number; height: number };

let canvas: OffscreenCanvas | null = null;
let pending: Extract<ToRender, { type: 'draw' }> | null = null;
let scheduled = false;

const scope = self as unknown as { onmessage: ((e: MessageEvent<ToRender>) => void) | null; requestAnimationFrame?: (f: () => void) => void };
scope.onmessage = (e) => {
  const m = e.data;
  if (m.type === 'canvas') {
    canvas = m.canvas;
    return;
  }
  // Only the latest picture is drawn, once per frame.
  pending = m;
  if (scheduled) return;
  scheduled = true;
  const frame = scope.requestAnimationFrame ?? ((f: () => void) => setTimeout(f, 16));
  frame(() => {
    scheduled = false;
    const p = pending;
    pending = null;
    if (canvas === null || p === null) return;
    if (canvas.width !== p.width) canvas.width = p.width;
    if (canvas.height !== p.height) canvas.height = p.height;
    drawNetwork(canvas, p.data, p.update, p.layout);
  });
};
