#!/usr/bin/env node
/**
 * `neurite`: train, evaluate and use networks on CSV files from the command line, and train the
 * notes' MNIST network. Arguments are parsed by Node's util.parseArgs.
 */
import { parseArgs } from 'node:util';
import { CliError, type CliIO } from './common.js';
import { evaluate, mnist, predict, summary, train } from './commands.js';
import type { ActivationName } from '../nn/activations.js';

export const HELP = `neurite: neural networks from the command line

Usage:
  neurite train <data.csv> --target <column> --out <model_dir> [options]
  neurite evaluate <model_dir> <data.csv>
  neurite predict <model_dir> <data.csv> [--out preds.csv]
  neurite summary <model_dir>
  neurite mnist [--epochs 5] [--out <model_dir>]

train options:
  --target <column>          the column to predict (required)
  --out <dir>                where to save the model (required)
  --layers 64,32             hidden layer widths (default 32,16; "" for none)
  --activation relu          hidden activation (default relu)
  --epochs 20                default 20
  --batch-size 32            default 32
  --optimizer adam           sgd, adam, adamw, rmsprop, adagrad, adadelta, adamax (default adam)
  --lr 0.001                 learning rate (default: the optimizer's)
  --validation-split 0.2     fraction held out for validation (default 0.2)
  --seed 1                   random seed (default 1)
  --task auto                classification, regression or auto (from the target column)

mnist options:
  --epochs 5  --batch-size 32  --lr 0.01  --seed 1  --out <dir>  --train-limit <n>
  --inputs standardized      standardized (a Rescaling layer: (x − mean)/std of the training
                             pixels) or unit (pixels in [0, 1] as loaded)

Other:
  --verbose                  show the stack trace on errors
  -h, --help                 this text
  -v, --version              the version
`;

const OPTIONS = {
  target: { type: 'string' }, out: { type: 'string' }, layers: { type: 'string' }, activation: { type: 'string' },
  epochs: { type: 'string' }, 'batch-size': { type: 'string' }, optimizer: { type: 'string' }, lr: { type: 'string' },
  'validation-split': { type: 'string' }, seed: { type: 'string' }, task: { type: 'string' }, 'train-limit': { type: 'string' },
  inputs: { type: 'string' }, verbose: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'v' },
} as const;

function inputsMode(value: string | undefined): 'standardized' | 'unit' {
  if (value === undefined || value === 'standardized' || value === 'unit') return value ?? 'standardized';
  throw new CliError(`--inputs must be 'standardized' or 'unit', got '${value}'`, 2);
}

function number(name: string, value: string | undefined, fallback: number, check: (v: number) => boolean, expected: string): number {
  if (value === undefined) return fallback;
  const v = Number(value);
  if (value.trim() === '' || !Number.isFinite(v) || !check(v)) throw new CliError(`--${name} must be ${expected}, got '${value}'`, 2);
  return v;
}

const positiveInt = (v: number): boolean => Number.isInteger(v) && v > 0;

export async function main(argv: string[], io: CliIO): Promise<number> {
  let verbose = argv.includes('--verbose');
  try {
    let parsed;
    try {
      parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    } catch (e) {
      throw new CliError(`${(e as Error).message.split('\n')[0]} (see neurite --help)`, 2);
    }
    const { values: o, positionals: pos } = parsed;
    verbose = o.verbose ?? false;
    if (o.version) {
      io.stdout.write('neurite 0.1.0\n');
      return 0;
    }
    const [command, ...rest] = pos;
    if (o.help || command === undefined || command === 'help') {
      io.stdout.write(HELP);
      return command === undefined && !o.help ? 2 : 0;
    }
    const need = (n: number, usage: string): string[] => {
      if (rest.length !== n) throw new CliError(`usage: neurite ${usage}`, 2);
      return rest;
    };
    switch (command) {
      case 'train': {
        const [data] = need(1, 'train <data.csv> --target <column> --out <model_dir>');
        if (o.target === undefined) throw new CliError('train needs --target <column>', 2);
        if (o.out === undefined) throw new CliError('train needs --out <model_dir>', 2);
        const layerList = (o.layers ?? '32,16').split(',').filter((s) => s.trim() !== '').map((s) => number('layers', s, 0, positiveInt, 'comma-separated positive integers'));
        const task = o.task ?? 'auto';
        if (task !== 'auto' && task !== 'classification' && task !== 'regression') throw new CliError(`--task must be auto, classification or regression, got '${task}'`, 2);
        await train({
          data: data!, target: o.target, out: o.out, layers: layerList, activation: (o.activation ?? 'relu') as ActivationName,
          epochs: number('epochs', o.epochs, 20, positiveInt, 'a positive integer'),
          batchSize: number('batch-size', o['batch-size'], 32, positiveInt, 'a positive integer'),
          optimizer: o.optimizer ?? 'adam',
          lr: o.lr === undefined ? undefined : number('lr', o.lr, 0, (v) => v > 0, 'a positive number'),
          validationSplit: number('validation-split', o['validation-split'], 0.2, (v) => v >= 0 && v < 1, 'in [0, 1)'),
          seed: number('seed', o.seed, 1, Number.isInteger, 'an integer'),
          task,
        }, io);
        return 0;
      }
      case 'evaluate': {
        const [dir, csv] = need(2, 'evaluate <model_dir> <data.csv>');
        await evaluate(dir!, csv!, io);
        return 0;
      }
      case 'predict': {
        const [dir, csv] = need(2, 'predict <model_dir> <data.csv> [--out preds.csv]');
        await predict(dir!, csv!, o.out, io);
        return 0;
      }
      case 'summary': {
        const [dir] = need(1, 'summary <model_dir>');
        await summary(dir!, io);
        return 0;
      }
      case 'mnist': {
        need(0, 'mnist [--epochs 5] [--out <model_dir>]');
        await mnist({
          epochs: number('epochs', o.epochs, 5, positiveInt, 'a positive integer'),
          batchSize: number('batch-size', o['batch-size'], 32, positiveInt, 'a positive integer'),
          lr: number('lr', o.lr, 0.01, (v) => v > 0, 'a positive number'),
          seed: number('seed', o.seed, 1, Number.isInteger, 'an integer'),
          out: o.out,
          trainLimit: o['train-limit'] === undefined ? undefined : number('train-limit', o['train-limit'], 0, positiveInt, 'a positive integer'),
          inputs: inputsMode(o.inputs),
        }, io);
        return 0;
      }
      default:
        throw new CliError(`unknown command '${command}'; commands: train, evaluate, predict, summary, mnist (see neurite --help)`, 2);
    }
  } catch (e) {
    const err = e as Error;
    io.stderr.write(`neurite: ${err.message.split('\n')[0]}\n`);
    if (verbose && err.stack) io.stderr.write(`${err.stack}\n`);
    return e instanceof CliError ? e.code : 1;
  }
}

// Run when executed as the `neurite` binary (not when imported by tests).
const invoked = process.argv[1] ?? '';
if (/(^|[\\/])(main\.js|neurite)$/.test(invoked)) {
  main(process.argv.slice(2), process).then((code) => {
    process.exitCode = code;
  });
}
