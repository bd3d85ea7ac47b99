/**
 * tfjs's generic recurrent layer over cells: `tf.layers.rnn({cell})` with a cell made by
 * `lstmCell`, `gruCell` or `simpleRNNCell`, or a list of them (`stackedRNNCells`). One cell is
 * that cell's layer (an `lstm` with the cell's settings and the rnn's sequence options, the same
 * maths and weights); stacked cells run as that many layers, each step's output the next cell's
 * input, which is what stacking cells computes (weights named as tfjs's files name them,
 * <rnn>/RNNCell_<i>/kernel): every inner layer but the last returns its
 * sequence, and `returnState` gives the last output, then the cells' final states, the last
 * cell's first (tfjs's and Keras's order for stacked cells).
 */
import type { Tensor } from '../tensor/tensor.js';
import { registerVariable } from '../context/context.js';
import { type CallOptions, Layer, type LayerArgs, type SymbolicShape, stackShape } from './layer.js';
import { GRU, LSTM, type RecurrentConfig, SimpleRNN } from './recurrent.js';
import { ConvLSTM2D, type ConvLSTM2DConfig } from './convlstm.js';
import { Wrapper } from './wrappers.js';

/** A cell's settings: a recurrent layer's, without the sequence options (those are the rnn's). */
export type CellConfig = Omit<RecurrentConfig, 'returnSequences' | 'returnState' | 'goBackwards' | 'stateful' | 'unroll' | 'inputShape' | 'batchInputShape' | 'inputDim'>;

/** A ConvLSTM2D cell's settings: the layer's, without the sequence options. */
export type ConvCellConfig = Omit<ConvLSTM2DConfig, 'returnSequences' | 'returnState' | 'goBackwards' | 'stateful' | 'unroll' | 'inputShape' | 'batchInputShape' | 'inputDim'>;

const CELLS = { SimpleRNNCell: SimpleRNN, LSTMCell: LSTM, GRUCell: GRU, ConvLSTM2DCell: ConvLSTM2D } as const;

/**
 * A recurrent cell (tfjs `lstmCell`, `gruCell`, `simpleRNNCell`, `convLstm2dCell`): what one
 * step computes. `rnn({cell})` over a ConvLSTM2D cell is a convLstm2d layer (tfjs's own rnn
 * refuses one: it expects rank-3 input).
 */
export class RNNCell {
  constructor(readonly className: keyof typeof CELLS, readonly config: CellConfig | ConvCellConfig) {
    const size = this.size;
    const key = className === 'ConvLSTM2DCell' ? 'filters' : 'units';
    if (!Number.isInteger(size) || size < 1) throw new Error(`${className}: ${key} must be a positive integer, got ${size}`);
  }

  /** units, or a ConvLSTM2D cell's filters. */
  private get size(): number {
    return this.className === 'ConvLSTM2DCell' ? (this.config as ConvCellConfig).filters : (this.config as CellConfig).units;
  }

  /** The state's sizes: [units], or [units, units] (h and c) for an LSTM cell (filters for a ConvLSTM2D cell). */
  get stateSize(): number[] {
    return this.className === 'SimpleRNNCell' || this.className === 'GRUCell' ? [this.size] : [this.size, this.size];
  }
}

/** Cells stacked in one rnn layer (tfjs `stackedRNNCells`). */
export class StackedRNNCells {
  readonly className = 'StackedRNNCells';
  constructor(readonly cells: RNNCell[]) {
    if (!Array.isArray(cells) || cells.length === 0 || !cells.every((c) => c instanceof RNNCell)) throw new Error('stackedRNNCells: cells must be a non-empty list of cells (lstmCell, gruCell, simpleRNNCell)');
    if (cells.some((c) => c.className === 'ConvLSTM2DCell')) throw new Error('stackedRNNCells: ConvLSTM2D cells cannot be stacked (as in tfjs); stack convLstm2d layers instead');
  }
}

export interface RNNConfig extends LayerArgs {
  cell: RNNCell | RNNCell[] | StackedRNNCells;
  returnSequences?: boolean;
  returnState?: boolean;
  goBackwards?: boolean;
  stateful?: boolean;
  unroll?: boolean;
}

function cellsOf(cell: unknown): RNNCell[] {
  if (cell instanceof RNNCell) return [cell];
  if (cell instanceof StackedRNNCells) return cell.cells;
  if (Array.isArray(cell) && cell.length > 0 && cell.every((c) => c instanceof RNNCell)) return cell;
  throw new Error('rnn: config.cell must be a cell (lstmCell, gruCell, simpleRNNCell), a list of them or stackedRNNCells');
}

/** The layer of one cell with the rnn's sequence options. */
function cellLayer(cell: RNNCell, options: Omit<RNNConfig, 'cell'>): Layer {
  const Ctor = CELLS[cell.className] as unknown as new (c: RecurrentConfig) => Layer;
  const { name: _name, ...settings } = cell.config;
  void _name;
  return new Ctor({ ...settings, ...options } as RecurrentConfig);
}

/** Cells stacked as layers: each step's output feeds the next cell. */
export class StackedRNN extends Wrapper<RNNConfig> {
  readonly className = 'RNN';
  protected readonly innerNames = true;
  readonly cells: Layer[];
  protected override readonly listOptional = true;

  constructor(config: RNNConfig) {
    super(config);
    const cells = cellsOf(config.cell);
    const last = cells.length - 1;
    this.cells = cells.map((c, i) => cellLayer(c, {
      // tfjs's names for stacked cells: its files name the weights <rnn>/RNNCell_<i>/kernel.
      name: `RNNCell_${i}`,
      returnSequences: i < last ? true : config.returnSequences ?? false,
      returnState: config.returnState ?? false,
      // The first reads the sequence from its end; it then gives its outputs in that order, which the next reads as they come.
      goBackwards: i === 0 ? config.goBackwards ?? false : false,
      stateful: config.stateful ?? false,
      ...(i === 0 && config.batchInputShape !== undefined ? { batchInputShape: config.batchInputShape } : {}),
    }));
  }

  protected get inner(): Layer[] {
    return this.cells;
  }

  override build(inputShape: SymbolicShape): void {
    let shape = inputShape;
    for (const l of this.cells) {
      if (!l.built) {
        l.build(shape);
        l.built = true;
      }
      l.syncWeightNames();
      const out = l.computeOutputShape(shape);
      shape = Array.isArray(out[0]) ? (out[0] as unknown as SymbolicShape) : (out as SymbolicShape);
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape | SymbolicShape[] {
    let shape = inputShape;
    const states: SymbolicShape[][] = [];
    for (const l of this.cells) {
      const out = l.computeOutputShape(shape);
      if (this.config.returnState === true) {
        const [o, ...s] = out as SymbolicShape[];
        shape = o!;
        states.push(s);
      } else shape = stackShape(l, shape);
    }
    return this.config.returnState === true ? [shape, ...states.reverse().flat()] : shape;
  }

  call(x: Tensor | Tensor[], options: CallOptions): Tensor | Tensor[] {
    if (Array.isArray(x) && x.length > 1) throw new Error('rnn: initial states of stacked cells are not supported yet');
    let h = Array.isArray(x) ? x[0]! : x;
    const states: Tensor[][] = [];
    for (const l of this.cells) {
      const r = l.apply(h, { ...options, mask: null }) as Tensor | Tensor[];
      if (Array.isArray(r)) {
        h = r[0]!;
        states.push(r.slice(1));
      } else h = r;
    }
    // The states last cell first, as tfjs's (and Keras's) StackedRNNCells order them.
    return this.config.returnState === true ? [h, ...states.reverse().flat()] : h;
  }

  override syncWeightNames(): void {
    for (const l of this.cells) {
      for (const w of l.weightEntries) {
        w.value.name = `${this.name}/${l.name}/${w.name}`;
        registerVariable(w.value);
      }
    }
  }
}

/** tfjs `tf.layers.rnn({cell, returnSequences, returnState, goBackwards, stateful})`. */
export function rnn(config: RNNConfig): Layer {
  const cells = cellsOf(config?.cell);
  if (cells.length === 1) {
    const { cell: _cell, ...options } = config;
    void _cell;
    return cellLayer(cells[0]!, options);
  }
  return new StackedRNN(config);
}
