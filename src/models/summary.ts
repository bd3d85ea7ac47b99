/**
 * `model.summary()`: Keras's table of layers, output shapes and parameter counts.
 *
 *   Layer (type)                Output Shape              Param #
 *   dense (Dense)               (None, 30)                23550
 */
import { type Layer, type SymbolicShape, formatShape, stackShape } from '../nn/layer.js';
import type { Node, SymbolicTensor } from '../nn/symbolic.js';

const POSITIONS = [29, 55, 65];

function row(cells: string[]): string {
  let line = '';
  cells.forEach((c, i) => {
    line += c;
    line = line.slice(0, POSITIONS[i]! - 1).padEnd(POSITIONS[i]!);
  });
  return line.trimEnd();
}

const grouped = (n: number): string => n.toLocaleString('en-US');

export function summaryLines(name: string, layers: readonly Layer[], inputShape: SymbolicShape): string[] {
  const rule = (ch: string): string => ch.repeat(POSITIONS[POSITIONS.length - 1]!);
  const lines = [`Model: "${name}"`, rule('_'), row(['Layer (type)', 'Output Shape', 'Param #']), rule('=')];
  let shape = inputShape;
  let total = 0;
  let trainable = 0;
  layers.forEach((layer, i) => {
    shape = stackShape(layer, shape);
    const params = layer.countParams();
    total += params;
    trainable += layer.trainableWeights.reduce((n, w) => n + w.size, 0);
    lines.push(row([`${layer.name} (${layer.className})`, formatShape(shape), String(params)]));
    lines.push(i === layers.length - 1 ? rule('=') : rule('_'));
  });
  if (layers.length === 0) lines.push(rule('='));
  lines.push(`Total params: ${grouped(total)}`, `Trainable params: ${grouped(trainable)}`, `Non-trainable params: ${grouped(total - trainable)}`, rule('_'));
  return lines;
}

const GRAPH_POSITIONS = [33, 59, 71, 110];

function graphRow(cells: string[]): string {
  let line = '';
  cells.forEach((c, i) => {
    line += c;
    line = line.slice(0, GRAPH_POSITIONS[i]! - 1).padEnd(GRAPH_POSITIONS[i]!);
  });
  return line.trimEnd();
}

/**
 * A functional model's summary: one row per layer with its output shape (each node's, for a
 * shared layer) and what it is connected to, as `layer[node][output]`.
 */
export function functionalSummaryLines(name: string, layers: readonly Layer[], nodes: readonly Node[], inputs: readonly SymbolicTensor[]): string[] {
  const rule = (ch: string): string => ch.repeat(GRAPH_POSITIONS[GRAPH_POSITIONS.length - 1]!);
  const lines = [`Model: "${name}"`, rule('_'), graphRow(['Layer (type)', 'Output Shape', 'Param #', 'Connected to']), rule('=')];
  let total = 0;
  let trainable = 0;
  layers.forEach((layer, i) => {
    const own = layer.inboundNodes.filter((n) => nodes.includes(n) || inputs.some((t) => t.node === n));
    const shapes = own.flatMap((n) => n.outputs.map((t) => formatShape(t.shape)));
    const links = own.flatMap((n) => n.inputs.map((t) => `${t.sourceLayer.name}[${t.node.index}][${t.outputIndex}]`));
    const params = layer.countParams();
    total += params;
    trainable += layer.trainableWeights.reduce((n, w) => n + w.size, 0);
    lines.push(graphRow([`${layer.name} (${layer.className})`, [...new Set(shapes)].join(', '), String(params), links.join(', ')]));
    lines.push(i === layers.length - 1 ? rule('=') : rule('_'));
  });
  lines.push(`Total params: ${grouped(total)}`, `Trainable params: ${grouped(trainable)}`, `Non-trainable params: ${grouped(total - trainable)}`, rule('_'));
  return lines;
}
