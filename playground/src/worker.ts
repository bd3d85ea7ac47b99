/** The playground's Web Worker: neurite's training runs here, off the page's thread. */
import { getContext, ready, setBackend, wasmBackend, wasmSimdSupported } from 'neurite';
import type { FromWorker, ToWorker } from './protocol.js';
import { Trainer } from './trainer.js';

const scope = self as unknown as { postMessage(m: FromWorker, transfer?: Transferable[]): void; onmessage: ((e: MessageEvent<ToWorker>) => void) | null };
const trainer = new Trainer((m, transfer) => scope.postMessage(m, transfer ?? []));
scope.onmessage = (e) => void trainer.receive(e.data);
// One core stays with the page (drawing, input); the others train. Where the page is not
// cross-origin isolated the backend runs on this worker's thread alone.
const cores = navigator.hardwareConcurrency ?? 1;
if (wasmSimdSupported()) await setBackend(wasmBackend({ threads: Math.max(1, cores - 1) }));
await ready();
scope.postMessage({ type: 'ready', backend: getContext().backend.name });
