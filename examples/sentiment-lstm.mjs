// A sentiment classifier in the shape of tfjs-examples' `sentiment` (embedding → LSTM → one
// probability), on reviews generated here so that it runs anywhere: words are ids in a
// vocabulary of 1,000 (0 is padding), ids 1–50 are "positive" words and 51–100 "negative" ones,
// the rest neutral. A review is 20–100 words, mostly neutral; each word is a sentiment word with
// probability 0.15, of the review's own sentiment 75% of the time. Reviews are padded at the front
// to 100 ids (as the tfjs example pads), and the embedding masks the padding (`maskZero`), so the
// LSTM reads only the words.
// Run: npm run build && node examples/sentiment-lstm.mjs [epochs]   (about 15 s per epoch here)
import { pathToFileURL } from 'node:url';
import { Rng, layers, sequential, setSeed, tensor } from 'neurite';

export const VOCABULARY = 1000;

/** `count` generated reviews padded to `length` ids, with labels 1 (positive) or 0, from a seeded generator. */
export function reviews(count, { length = 100, seed = 1 } = {}) {
  const rng = new Rng(seed);
  const ids = new Float32Array(count * length);
  const labels = new Float32Array(count);
  for (let r = 0; r < count; r++) {
    const positive = rng.uniform() < 0.5;
    labels[r] = positive ? 1 : 0;
    const words = Math.min(length, 20 + rng.int(81));
    for (let i = length - words; i < length; i++) {
      let id;
      if (rng.uniform() < 0.15) {
        const own = rng.uniform() < 0.75;
        id = 1 + rng.int(50) + (own === positive ? 0 : 50);
      } else id = 101 + rng.int(VOCABULARY - 101);
      ids[r * length + i] = id;
    }
  }
  return { x: tensor(ids, [count, length]), y: tensor(labels, [count, 1]) };
}

/** The network: embedding 1,000×32 (id 0 masked) → LSTM 32 → dense 1 sigmoid. */
export function sentimentModel(length = 100) {
  return sequential({ layers: [
    layers.embedding({ inputDim: VOCABULARY, outputDim: 32, inputLength: length, maskZero: true }),
    layers.lstm({ units: 32 }),
    layers.dense({ units: 1, activation: 'sigmoid' }),
  ] });
}

/** @param {{ epochs?: number, train?: number, test?: number, length?: number, log?: (...values: unknown[]) => void }} [options] */
export async function main({ epochs = 5, train = 2000, test = 500, length = 100, log = console.log } = {}) {
  setSeed(1);
  const data = reviews(train, { length, seed: 1 });
  const held = reviews(test, { length, seed: 2 });
  const model = sentimentModel(length);
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  model.summary(log);
  const started = performance.now();
  const history = await model.fit(data.x, data.y, {
    epochs, batchSize: 64, verbose: 0,
    callbacks: { onEpochEnd: (epoch, logs) => log(`epoch ${epoch + 1}/${epochs}: loss ${logs.loss.toFixed(4)}, accuracy ${logs.accuracy.toFixed(4)}`) },
  });
  const [loss, accuracy] = model.evaluate(held.x, held.y, { batchSize: 100 }).map((t) => t.item());
  log(`${epochs} epoch(s) in ${((performance.now() - started) / 1000).toFixed(1)} s on the ${history.params.path} step; held-out loss ${loss.toFixed(4)}, accuracy ${accuracy.toFixed(4)}`);
  return { loss, accuracy, path: history.params.path, losses: history.history.loss };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main({ epochs: Number(process.argv[2] ?? 5) });
