import { describe, expect, test } from 'vitest';
import { DEFAULT_STATE, decodeState, defaultState, encodeState, type PlaygroundState } from './state.js';

describe('playground state in the URL', () => {
  test('the defaults encode to an empty fragment and decode back', () => {
    expect(encodeState(defaultState())).toBe('');
    expect(decodeState('')).toEqual({ state: defaultState(), problems: [] });
  });

  test('every setting survives the round trip', () => {
    const s: PlaygroundState = {
      dataset: 'spiral', classes: 5, noise: 0.25, points: 777, trainRatio: 0.7, dataSeed: 42,
      features: ['x1', 'x2', 'x1sq', 'sinx2'], hidden: [{ units: 16, activation: 'relu' }, { units: 128, activation: 'gelu' }, { units: 1, activation: 'step' }],
      loss: 'sparseCategoricalCrossentropy', optimizer: 'rmsprop', learningRate: 0.0015, batchSize: 32, l1: 0.001, l2: 0.0003,
      dropout: 0.2, seed: 2 ** 31 - 1, showTest: true, target: 'spé cies & co', xColumn: 'a=b', yColumn: '#x',
    };
    const fragment = encodeState(s);
    expect(decodeState(`#${fragment}`)).toEqual({ state: s, problems: [] });
    expect(decodeState(fragment).state).toEqual(s);
  });

  test('an empty network is kept distinct from the default one', () => {
    const s = { ...defaultState(), hidden: [] };
    expect(encodeState(s)).toBe('layers=none');
    expect(decodeState('layers=none').state.hidden).toEqual([]);
  });

  test('bad values fall back to the defaults, each named with what was expected', () => {
    const { state, problems } = decodeState('data=mnist&noise=-1&points=1e9&lr=abc&layers=8:tanh,0:relu&features=x1,x3&test=yes&colour=red&seed=1.5');
    expect(state).toEqual(defaultState());
    expect(problems).toEqual([
      "unknown setting 'colour' in the link (known: data, classes, noise, points, train, dataSeed, features, layers, loss, opt, lr, batch, l1, l2, dropout, seed, test, target, x, y)",
      "data: expected one of xor, circles, moons, spiral, blobs, plane, peaks, csv, got 'mnist'",
      "noise: expected a number in [0, 1], got '-1'",
      "points: expected an integer in [20, 5000], got '1e9'",
      "features: expected a comma-separated list of x1, x2, x1sq, x2sq, x1x2, sinx1, sinx2, got 'x1,x3'",
      "layers: expected up to 10 comma-separated units:activation pairs (units 1–128, activation one of tanh, relu, sigmoid, linear, relu6, leakyRelu, elu, selu, softplus, softsign, hardSigmoid, swish, gelu, softmax, step), or none, got '8:tanh,0:relu'",
      "lr: expected a number in [0.000001, 10], got 'abc'",
      "seed: expected an integer in [0, 2147483647], got '1.5'",
      "test: expected one of 0, 1, got 'yes'",
    ]);
  });

  test('more than 10 layers or 128 units are refused', () => {
    expect(decodeState(`layers=${Array(11).fill('2:relu').join(',')}`).problems[0]).toMatch(/^layers: expected up to 10/);
    expect(decodeState('layers=129:relu').problems[0]).toMatch(/^layers: expected up to 10 .*units 1–128/);
  });

  test('a huge fragment is refused whole', () => {
    const { state, problems } = decodeState(`target=${'x'.repeat(5000)}`);
    expect(state.target).toBe(DEFAULT_STATE.target);
    expect(problems).toEqual(['the link\'s state is 5007 characters long; expected at most 4096']);
  });
});
