/**
 * Pooling layers (Keras names): MaxPooling1D/2D/3D and AveragePooling1D/2D/3D slide a window with
 * strides (default: the pool size); the global ones reduce every spatial position.
 */
import { avgPool1d, avgPool2d, maxPool1d, maxPool2d } from '../ops/conv.js';
import { avgPool3d, maxPool3d } from '../ops/conv3d.js';
import { div, maximum, mul } from '../ops/elementwise.js';
import { expandDims, transpose } from '../ops/layout.js';
import { max, mean, sum } from '../ops/reduce.js';
import { fmt } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { type DataFormat, sizeList, toChannelsFirst, toChannelsLast } from './conv.js';
import { type CallOptions, Layer, type LayerArgs, type SymbolicShape, formatShape } from './layer.js';

export interface PoolingConfig extends LayerArgs {
  /** Window size (default 2): one number, or one per spatial axis. */
  poolSize?: number | readonly number[];
  /** Default: the pool size. */
  strides?: number | readonly number[] | null;
  /** Default 'valid'. */
  padding?: 'valid' | 'same';
  /** Default 'channelsLast'. */
  dataFormat?: DataFormat;
}

abstract class Pooling extends Layer<PoolingConfig> {
  abstract readonly rank: 1 | 2 | 3;
  abstract readonly kind: 'max' | 'avg';

  constructor(config: PoolingConfig, readonly label: string) {
    super(config);
    const p = config.padding ?? 'valid';
    if (p !== 'valid' && p !== 'same') throw new Error(`${label}: padding must be 'valid' or 'same', got ${JSON.stringify(config.padding)}`);
    if (config.dataFormat !== undefined && config.dataFormat !== 'channelsLast' && config.dataFormat !== 'channelsFirst') {
      throw new Error(`${label}: dataFormat must be 'channelsLast' or 'channelsFirst', got ${JSON.stringify(config.dataFormat)}`);
    }
  }

  /** The size options checked when the layer is made (subclasses call it once `rank` is set). */
  protected checkSizes(): void {
    this.sizes('poolSize');
    this.sizes('strides');
  }

  protected sizes(key: 'poolSize' | 'strides'): number[] {
    const v = key === 'strides' ? (this.config.strides ?? this.config.poolSize ?? 2) : (this.config.poolSize ?? 2);
    return sizeList(this.label, key, v, this.rank);
  }

  private get channelsFirst(): boolean {
    return this.config.dataFormat === 'channelsFirst';
  }

  call(x: Tensor): Tensor {
    if (x.rank !== this.rank + 2) throw new Error(`${this.label}: expected input of rank ${this.rank + 2}, got ${fmt(x.shape)}`);
    const k = this.sizes('poolSize');
    const s = this.sizes('strides');
    const padding = this.config.padding ?? 'valid';
    const cl = this.channelsFirst ? transpose(x, toChannelsLast(this.rank)) : x;
    let y: Tensor;
    if (this.rank === 3) {
      const k3 = [k[0]!, k[1]!, k[2]!] as const;
      const s3 = [s[0]!, s[1]!, s[2]!] as const;
      y = this.kind === 'max' ? maxPool3d(cl, k3, s3, padding) : avgPool3d(cl, k3, s3, padding);
    } else if (this.rank === 2) {
      const o = { poolSize: [k[0]!, k[1]!] as const, strides: [s[0]!, s[1]!] as const, padding };
      y = this.kind === 'max' ? maxPool2d(cl, o) : avgPool2d(cl, o);
    } else {
      const o = { poolSize: k[0]!, strides: s[0]!, padding };
      y = this.kind === 'max' ? maxPool1d(cl, o) : avgPool1d(cl, o);
    }
    return this.channelsFirst ? transpose(y, toChannelsFirst(this.rank)) : y;
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    if (inputShape.length !== this.rank + 2) throw new Error(`${this.label}: expected input of rank ${this.rank + 2}, got shape ${formatShape(inputShape)}`);
    const k = this.sizes('poolSize');
    const s = this.sizes('strides');
    const same = this.config.padding === 'same';
    const spatial = this.channelsFirst ? inputShape.slice(2) : inputShape.slice(1, -1);
    const out = spatial.map((n, i) => (n === null ? null : same ? Math.ceil(n / s[i]!) : Math.floor((n - k[i]!) / s[i]!) + 1));
    const c = this.channelsFirst ? inputShape[1]! : inputShape[inputShape.length - 1]!;
    return this.channelsFirst ? [inputShape[0] ?? null, c, ...out] : [inputShape[0] ?? null, ...out, c];
  }
}

/** Keras `MaxPooling2D`. */
export class MaxPooling2D extends Pooling {
  readonly className = 'MaxPooling2D';
  readonly rank = 2;
  readonly kind = 'max';
  constructor(config: PoolingConfig = {}) {
    super(config, 'maxPooling2d');
    this.checkSizes();
  }
}

/** Keras `AveragePooling2D` (padding not counted in the mean). */
export class AveragePooling2D extends Pooling {
  readonly className = 'AveragePooling2D';
  readonly rank = 2;
  readonly kind = 'avg';
  constructor(config: PoolingConfig = {}) {
    super(config, 'averagePooling2d');
    this.checkSizes();
  }
}

/** Keras `MaxPooling3D` over volumes [batch, depth, height, width, channels]. */
export class MaxPooling3D extends Pooling {
  readonly className = 'MaxPooling3D';
  readonly rank = 3;
  readonly kind = 'max';
  constructor(config: PoolingConfig = {}) {
    super(config, 'maxPooling3d');
    this.checkSizes();
  }
}

/** Keras `AveragePooling3D` (padding not counted in the mean). */
export class AveragePooling3D extends Pooling {
  readonly className = 'AveragePooling3D';
  readonly rank = 3;
  readonly kind = 'avg';
  constructor(config: PoolingConfig = {}) {
    super(config, 'averagePooling3d');
    this.checkSizes();
  }
}

/** Keras `MaxPooling1D` over [batch, length, channels]. */
export class MaxPooling1D extends Pooling {
  readonly className = 'MaxPooling1D';
  readonly rank = 1;
  readonly kind = 'max';
  constructor(config: PoolingConfig = {}) {
    super(config, 'maxPooling1d');
    this.checkSizes();
  }
}

/** Keras `AveragePooling1D`. */
export class AveragePooling1D extends Pooling {
  readonly className = 'AveragePooling1D';
  readonly rank = 1;
  readonly kind = 'avg';
  constructor(config: PoolingConfig = {}) {
    super(config, 'averagePooling1d');
    this.checkSizes();
  }
}

export interface GlobalPoolingConfig extends LayerArgs {
  /** Default 'channelsLast'. */
  dataFormat?: DataFormat;
  /** Keep the reduced axes with size 1 (Keras `keepdims`; default false). */
  keepDims?: boolean;
}

abstract class GlobalPooling extends Layer<GlobalPoolingConfig> {
  abstract readonly rank: 1 | 2;
  abstract readonly kind: 'max' | 'avg';

  private axes(): number[] {
    const first = this.config.dataFormat === 'channelsFirst';
    return this.rank === 2 ? (first ? [2, 3] : [1, 2]) : (first ? [2] : [1]);
  }

  call(x: Tensor, _options?: CallOptions): Tensor {
    if (x.rank !== this.rank + 2) throw new Error(`${this.className}: expected input of rank ${this.rank + 2}, got ${fmt(x.shape)}`);
    const keep = this.config.keepDims ?? false;
    return this.kind === 'max' ? max(x, this.axes(), keep) : mean(x, this.axes(), keep);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    const axes = this.axes();
    if (this.config.keepDims ?? false) return inputShape.map((d, i) => (axes.includes(i) ? 1 : d));
    return inputShape.filter((_, i) => !axes.includes(i));
  }
}

/** Keras `GlobalMaxPooling2D`: [batch, h, w, c] → [batch, c]. */
export class GlobalMaxPooling2D extends GlobalPooling {
  readonly className = 'GlobalMaxPooling2D';
  readonly rank = 2;
  readonly kind = 'max';
}

/** Keras `GlobalAveragePooling2D`: [batch, h, w, c] → [batch, c]. */
export class GlobalAveragePooling2D extends GlobalPooling {
  readonly className = 'GlobalAveragePooling2D';
  readonly rank = 2;
  readonly kind = 'avg';
}

/** Keras `GlobalMaxPooling1D`: [batch, length, c] → [batch, c]. */
export class GlobalMaxPooling1D extends GlobalPooling {
  readonly className = 'GlobalMaxPooling1D';
  readonly rank = 1;
  readonly kind = 'max';
}

/** Keras `GlobalAveragePooling1D`: [batch, length, c] → [batch, c]. */
export class GlobalAveragePooling1D extends GlobalPooling {
  readonly className = 'GlobalAveragePooling1D';
  readonly rank = 1;
  readonly kind = 'avg';

  /** With a mask [batch, steps], the mean over the unmasked steps (Keras's): Σ m·x / Σ m. */
  override call(x: Tensor, options: CallOptions = {}): Tensor {
    const mask = options.mask ?? null;
    if (mask === null) return super.call(x);
    if (this.config.dataFormat === 'channelsFirst') throw new Error(`${this.className}: a mask needs channelsLast input [batch, steps, channels]`);
    if (x.rank !== 3 || mask.rank !== 2 || mask.shape[0] !== x.shape[0] || mask.shape[1] !== x.shape[1]) {
      throw new Error(`${this.className}: the mask must have shape [${x.shape[0]}, ${x.shape[1]}] (batch, steps), got ${fmt(mask.shape)}`);
    }
    const m = expandDims(mask, -1);
    const keep = this.config.keepDims ?? false;
    // Σ m over steps is at least 1 only where a sample has data; an all-padding sample averages to 0.
    return div(sum(mul(x, m), 1, keep), maximum(sum(m, 1, keep), 1));
  }

  /** The steps are averaged away: no mask after. */
  override computeMask(): Tensor | null {
    return null;
  }
}
