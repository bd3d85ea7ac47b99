/**
 * `model.summary()`: Keras's table of layers, output shapes and parameter counts.
 *
 *   Layer (type)                Output Shape              Param #
 *   dense (Dense)               (None, 30)                23550
 */
import { type Layer, type SymbolicShape, formatShape, stackShape } from '../nn/layer.js';
import type { Node, SymbolicTensor } from '../nn/symbolic.js';

const POSITIONS = [29, 55, 65];
const GRAPH_POSITIONS = [33, 59, 71, 110];

/** Cells padded to the column stops (each cut one short of its stop), trailing space trimmed. */
function row(cells: string[], stops: readonly number[]): string {
  let line = '';
  cells.forEach((c, i) => {
    line += c;
    line = line.slice(0, stops[i]! - 1).padEnd(stops[i]!);
  });
  return line.trimEnd();
}

const grouped = (n: number): string => n.toLocaleString('en-US');

/**
 * Keras's table around the layers' rows: the header, a rule between rows, the totals.
 * `cells(layer)` gives a layer's cells after its "name (Class)" and before its parameter count.
 */
function table(name: string, layers: readonly Layer[], stops: readonly number[], header: string[], cells: (layer: Layer) => [string, ...string[]]): string[] {
  const rule = (ch: string): string => ch.repeat(stops[stops.length - 1]!);
  const lines = [`Model: "${name}"`, rule('_'), row(header, stops), rule('=')];
  let total = 0;
  let trainable = 0;
  layers.forEach((layer, i) => {
    const params = layer.countParams();
    total += params;
    trainable += layer.trainableWeights.reduce((n, w) => n + w.size, 0);
    const [shape, ...rest] = cells(layer);
    lines.push(row([`${layer.name} (${layer.className})`, shape, String(params), ...rest], stops));
    lines.push(i === layers.length - 1 ? rule('=') : rule('_'));
  });
  if (layers.length === 0) lines.push(rule('='));
  lines.push(`Total params: ${grouped(total)}`, `Trainable params: ${grouped(trainable)}`, `Non-trainable params: ${grouped(total - trainable)}`, rule('_'));
  return lines;
}

export function summaryLines(name: string, layers: readonly Layer[], inputShape: SymbolicShape): string[] {
  let shape = inputShape;
  return table(name, layers, POSITIONS, ['Layer (type)', 'Output Shape', 'Param #'], (layer) => {
    shape = stackShape(layer, shape);
    return [formatShape(shape)];
  });
}

/**
 * A functional model's summary: one row per layer with its output shape (each node's, for a
 * shared layer) and what it is connected to, as `layer[node][output]`.
 */
export function functionalSummaryLines(name: string, layers: readonly Layer[], nodes: readonly Node[], inputs: readonly SymbolicTensor[]): string[] {
  return table(name, layers, GRAPH_POSITIONS, ['Layer (type)', 'Output Shape', 'Param #', 'Connected to'], (layer) => {
    const own = layer.inboundNodes.filter((n) => nodes.includes(n) || inputs.some((t) => t.node === n));
    // A node with several outputs (an LSTM returning its states) lists them all, as Keras does.
    const shapes = own.map((n) => (n.outputs.length === 1 ? formatShape(n.outputs[0]!.shape) : `[${n.outputs.map((t) => formatShape(t.shape)).join(', ')}]`));
    const links = own.flatMap((n) => n.inputs.map((t) => `${t.sourceLayer.name}[${t.node.index}][${t.outputIndex}]`));
    return [[...new Set(shapes)].join(', '), links.join(', ')];
  });
}
