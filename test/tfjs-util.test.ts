/**
 * `tf.util` against the real tfjs: each deterministic helper called with the same arguments on
 * both sides gives the same result, or an error with the same message.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { util } from '../src/index.js';

/** A result as comparable data: typed arrays as their class and values; a throw as its message. */
function outcome(f: () => unknown): unknown {
  try {
    const v = f();
    if (ArrayBuffer.isView(v)) return { [v.constructor.name]: Array.from(v as unknown as ArrayLike<number>) };
    return JSON.parse(JSON.stringify(v ?? null));
  } catch (e) {
    return { error: (e as Error).message };
  }
}

const CALLS: Array<[string, unknown[]]> = [
  ['arraysEqual', [[1, 2], [1, 2]]], ['arraysEqual', [[1, 2], [1]]], ['arraysEqual', [null, [1]]],
  ['arraysEqualWithNull', [[1, null, 3], [1, 2, 3]]], ['arraysEqualWithNull', [[1, null], [2, 5]]], ['arraysEqualWithNull', [null, null]],
  ['assertShapesMatch', [[1, 2], [1, 2]]], ['assertShapesMatch', [[1, 2], [2, 1], 'conv:']],
  ['assertNonNull', [0]], ['assertNonNull', [null]],
  ['assertNonNegativeIntegerDimensions', [[2, 0]]], ['assertNonNegativeIntegerDimensions', [[2, -1]]], ['assertNonNegativeIntegerDimensions', [[1.5]]],
  ['bytesPerElement', ['float32']], ['bytesPerElement', ['bool']], ['bytesPerElement', ['complex64']], ['bytesPerElement', ['string']],
  ['clamp', [0, 5, 3]], ['clamp', [0, -1, 3]],
  ['computeStrides', [[2, 3, 4]]], ['computeStrides', [[5]]], ['computeStrides', [[]]],
  ['locToIndex', [[1, 2, 3], 3, [12, 4]]], ['locToIndex', [[4], 1, []]], ['locToIndex', [[], 0, []]],
  ['indexToLoc', [23, 3, [12, 4]]], ['indexToLoc', [4, 1, []]], ['indexToLoc', [0, 0, []]],
  ['distSquared', [[1, 2, 3], [1, 0, 7]]],
  ['flatten', [[[1, [2, [3]]], 4]]],
  ['getArrayFromDType', ['int32', 3]], ['getArrayFromDType', ['bool', 2]], ['getArrayFromDType', ['float32', 2]], ['getArrayFromDType', ['uint8', 2]],
  ['getTypedArrayFromDType', ['int32', 2]],
  ['makeZerosTypedArray', [3, 'int32']], ['makeOnesTypedArray', [3, 'bool']], ['makeOnesTypedArray', [2]], ['makeZerosTypedArray', [2, 'string']],
  ['makeZerosNestedTypedArray', [[2, 3], 'int32']], ['makeZerosNestedTypedArray', [[], 'float32']],
  ['toNestedArray', [[2, 2], [1, 2, 3, 4]]], ['toNestedArray', [[], [7]]], ['toNestedArray', [[0, 3], []]], ['toNestedArray', [[2, 3], [1, 2]]], ['toNestedArray', [[2, 1, 2], [1, 2, 3, 4]]],
  ['toTypedArray', [[[1.5, 2], [3, 0.2]], 'bool']], ['toTypedArray', [[1.7, -2.2], 'int32']], ['toTypedArray', [[1, 2]]], ['toTypedArray', [['a'], 'string']],
  ['inferDtype', [[1, 2]]], ['inferDtype', [[true]]], ['inferDtype', ['x']], ['inferDtype', [new Int32Array(2)]], ['inferDtype', [new Uint8Array(2)]], ['inferDtype', [new Float32Array(1)]],
  ['inferFromImplicitShape', [[2, -1], 6]], ['inferFromImplicitShape', [[2, 3], 6]], ['inferFromImplicitShape', [[2, 3], 7]], ['inferFromImplicitShape', [[-1, -1], 4]],
  ['inferFromImplicitShape', [[2, -1], 5]], ['inferFromImplicitShape', [[0, -1], 0]], ['inferFromImplicitShape', [[2, -3], 6]],
  ['parseAxisParam', [null, [2, 3, 4]]], ['parseAxisParam', [-1, [2, 3]]], ['parseAxisParam', [[0, -2], [2, 3, 4]]], ['parseAxisParam', [3, [2, 3]]], ['parseAxisParam', [0.5, [2, 3]]],
  ['squeezeShape', [[1, 2, 1, 3]]], ['squeezeShape', [[1, 2, 1, 3], [0]]], ['squeezeShape', [[1, 2, 1, 3], [2, 0]]], ['squeezeShape', [[1, 2, 1], [1]]], ['squeezeShape', [[1, 2, 1], []]], ['squeezeShape', [[1, 1], -1]],
  ['isScalarShape', [[]]], ['isScalarShape', [[1]]], ['isInt', [3]], ['isInt', [3.5]], ['isNumber', [3]], ['isNumber', ['3']], ['isString', ['a']], ['isString', [1]],
  ['isBoolean', [false]], ['isBoolean', [0]], ['isFunction', [() => 1]], ['isFunction', [{}]], ['isTypedArray', [new Float32Array(1)]], ['isTypedArray', [[1]]],
  ['isValidDtype', ['int32']], ['isValidDtype', ['uint8']],
  ['hasEncodingLoss', ['float32', 'int32']], ['hasEncodingLoss', ['int32', 'float32']], ['hasEncodingLoss', ['bool', 'bool']], ['hasEncodingLoss', ['int32', 'bool']], ['hasEncodingLoss', ['bool', 'int32']], ['hasEncodingLoss', ['complex64', 'float32']],
  ['nearestDivisor', [12, 5]], ['nearestDivisor', [7, 2]], ['nearestLargerEven', [3]], ['nearestLargerEven', [4]],
  ['rightPad', ['ab', 5]], ['rightPad', ['abcdef', 3]], ['sizeFromShape', [[2, 3, 4]]], ['sizeFromShape', [[]]], ['sizeToSquarishShape', [10]], ['sizeToSquarishShape', [16]],
  ['sum', [[1, 2, 3.5]]], ['tanh', [0.5]], ['bytesFromStringArray', [[new Uint8Array(3), new Uint8Array(2)]]], ['bytesFromStringArray', [null]],
  ['encodeString', ['héllo']], ['decodeString', [new Uint8Array([104, 195, 169])]],
];

describe('tf.util gives what the real tfjs gives', () => {
  test.each(CALLS.map(([name, args]) => [name, JSON.stringify(args, (_, v) => (ArrayBuffer.isView(v) ? `${v.constructor.name}(${Array.from(v as unknown as ArrayLike<number>)})` : typeof v === 'function' ? 'fn' : v)), args] as const))('%s(%s)', (name, _, args) => {
    const theirs = outcome(() => (tf.util as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!(...args));
    const ours = outcome(() => (util as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!(...args));
    expect(ours).toEqual(theirs);
  });

  test('swap, isPromise, randUniform (seeded here), repeatedTry, fetch', async () => {
    const a = [1, 2, 3];
    util.swap(a, 0, 2);
    expect(a).toEqual([3, 2, 1]);
    expect([util.isPromise(Promise.resolve(1)), util.isPromise({ then: 1 }), util.isPromise(null)]).toEqual([true, false, false]);
    const u = util.randUniform(2, 5);
    expect(u >= 2 && u < 5).toBe(true);
    let n = 0;
    await util.repeatedTry(() => ++n === 3, () => 1);
    expect(n).toBe(3);
    await expect(util.repeatedTry(() => false, () => 0, 2)).rejects.toThrow('util.repeatedTry: still false after 2 tries');
    expect(typeof util.fetch).toBe('function');
  });

  test('every name of tfjs 4.22 util is here but its hashing internals', () => {
    const internal = ['fingerPrint64', 'hexToLong', 'checkConversionForErrors', 'convertBackendValuesAndArrayBuffer', 'createScalarValue'];
    expect(Object.keys(tf.util).filter((k) => !(k in util) && !internal.includes(k))).toEqual([]);
  });
});
