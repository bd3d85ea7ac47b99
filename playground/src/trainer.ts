/**
 * The training side of the playground, independent of the page: it receives `ToWorker` messages
 * and posts `FromWorker` ones. `worker.ts` runs it in a Web Worker; tests run it in Node.
 * Everything goes through neurite's public API: the data (`buildProblem`), the model
 * (`buildModel`), `fit` one epoch at a time, `evaluate`, `predict`, the layers' own `apply` for
 * each unit's map, `modelToArtifacts` for the download.
 */
import { Dense, callbacks, modelToArtifacts, noGrad, setSeed, tensor, type Sequential, type Tensor } from 'neurite';
import { buildProblem, type Problem } from './data.js';
import { gridPoints } from './features.js';
import { buildModel } from './model.js';
import { planNetwork, type NetworkPlan } from './network.js';
import { type CsvInput, NEURON_GRID, OUTPUT_GRID, type FromWorker, type ToWorker, type UpdateMessage } from './protocol.js';
import type { PlaygroundState } from './state.js';

type Post = (message: FromWorker, transfer?: Transferable[]) => void;

/** How often a playing trainer posts an update (ms). */
const UPDATE_EVERY = 100;

interface Session {
  state: PlaygroundState;
  csv: CsvInput | null;
  problem: Problem;
  plan: NetworkPlan;
  model: Sequential;
  outputGrid: Tensor;
  neuronGrid: Tensor;
}

export class Trainer {
  private session: Session | null = null;
  private epoch = 0;
  private playing = false;
  private queue: Promise<void> = Promise.resolve();
  private lastPost = -Infinity;
  private readonly epochTimes: number[] = [];

  constructor(
    private readonly post: Post,
    private readonly now: () => number = () => performance.now(),
    /** Lets messages in between epochs while playing. */
    private readonly pauseBriefly: () => Promise<void> = () => new Promise((r) => setTimeout(r, 0)),
  ) {}

  /**
   * Queues a message. Commands and epochs run one at a time in arrival order, so a command never
   * lands inside an epoch and the seeded shuffling stays reproducible. Resolves once handled.
   */
  receive(message: ToWorker): Promise<void> {
    this.queue = this.queue.then(() => this.handle(message)).catch((e: unknown) => this.fail(e));
    return this.queue;
  }

  private fail(e: unknown): void {
    this.playing = false;
    this.post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  }

  private async handle(m: ToWorker): Promise<void> {
    switch (m.type) {
      case 'configure': {
        this.playing = false;
        this.session = null;
        const problem = buildProblem(m.state, m.csv);
        const classes = problem.classNames.length;
        const plan = planNetwork(m.state, problem.kind, problem.inputNames.length, classes);
        const { xy, labels, isTest, domain, labelRange, kind, classNames, inputNames } = problem;
        this.session = {
          state: m.state, csv: m.csv, problem, plan, model: this.freshModel(m.state, plan),
          outputGrid: problem.inputsAt(gridPoints(domain, OUTPUT_GRID)),
          neuronGrid: problem.inputsAt(gridPoints(domain, NEURON_GRID)),
        };
        this.post({
          type: 'data', kind, classNames, inputNames, xy: xy.slice(), labels: labels.slice(), isTest: isTest.slice(), domain, labelRange,
          units: [inputNames.length, ...plan.dense.map((d) => d.units)], activations: plan.dense.map((d) => d.activation),
        });
        this.postUpdate();
        return;
      }
      case 'reset': {
        const s = this.need('reset');
        this.playing = false;
        s.model = this.freshModel(s.state, s.plan);
        this.postUpdate();
        return;
      }
      case 'step':
        this.playing = false;
        await this.trainEpoch();
        this.postUpdate();
        return;
      case 'play':
        this.need('play');
        if (this.playing) return;
        this.playing = true;
        this.epochTimes.length = 0;
        void this.pauseBriefly().then(() => this.receiveTick());
        return;
      case 'pause':
        this.playing = false;
        if (this.session !== null) this.postUpdate();
        return;
      case 'setWeight': {
        const s = this.need('setWeight');
        const dense = s.model.layers.filter((l): l is Dense => l instanceof Dense);
        const layer = dense[m.layer];
        if (layer === undefined) throw new Error(`setWeight: no Dense layer ${m.layer} (the network has ${dense.length})`);
        if (!Number.isFinite(m.value)) throw new Error(`setWeight: expected a finite number, got ${m.value}`);
        const [kernel, bias] = layer.getWeights() as [Tensor, Tensor];
        const [rows, cols] = kernel.shape as [number, number];
        if (!(Number.isInteger(m.from) && Number.isInteger(m.to) && m.from >= 0 && m.from < rows && m.to >= 0 && m.to < cols)) {
          throw new Error(`setWeight: layer ${m.layer}'s kernel is ${rows}×${cols}; got entry (${m.from}, ${m.to})`);
        }
        const values = new Float32Array(kernel.values);
        values[m.from * cols + m.to] = m.value;
        layer.setWeights([tensor(values, [rows, cols]), bias]);
        this.postUpdate();
        return;
      }
      case 'export': {
        const s = this.need('export');
        const { json, files } = modelToArtifacts(s.model);
        this.post({ type: 'model', json: JSON.stringify(json), weights: files.get('weights.bin')!.slice() });
        return;
      }
    }
  }

  /** One epoch while playing, then the next one queued after any message that came in. */
  private receiveTick(): void {
    this.queue = this.queue.then(async () => {
      if (!this.playing) return;
      await this.trainEpoch();
      if (!this.playing) return;
      if (this.now() - this.lastPost >= UPDATE_EVERY) this.postUpdate();
      void this.pauseBriefly().then(() => this.receiveTick());
    }).catch((e: unknown) => this.fail(e));
  }

  private need(what: string): Session {
    if (this.session === null) throw new Error(`${what}: there is no network yet (send 'configure' first)`);
    return this.session;
  }

  private freshModel(state: PlaygroundState, plan: NetworkPlan): Sequential {
    this.epoch = 0;
    setSeed(state.seed);
    return buildModel(plan);
  }

  private async trainEpoch(): Promise<void> {
    const s = this.need('step');
    // A diverging run stops at its first non-finite batch, quietly: postUpdate reports it.
    const quiet = callbacks.terminateOnNaN({ write: () => true });
    await s.model.fit(s.problem.xTrain, s.problem.yTrain, { epochs: 1, batchSize: s.state.batchSize, shuffle: true, verbose: 0, callbacks: quiet });
    this.epoch++;
    const t = this.now();
    this.epochTimes.push(t);
    while (this.epochTimes.length > 0 && this.epochTimes[0]! < t - 1000) this.epochTimes.shift();
  }

  private postUpdate(): void {
    const s = this.need('update');
    const { model, problem } = s;
    const measure = (x: Tensor, y: Tensor): [number, number | null] => {
      const r = model.evaluate(x, y, { batchSize: 4096 });
      const [loss, acc] = Array.isArray(r) ? r : [r];
      return [loss!.item(), acc === undefined ? null : acc.item()];
    };
    const [trainLoss, trainAccuracy] = measure(problem.xTrain, problem.yTrain);
    const [testLoss, testAccuracy] = measure(problem.xTest, problem.yTest);
    const output = new Float32Array((model.predict(s.outputGrid, { batchSize: 8192 }) as Tensor).values);
    const neurons: Float32Array[] = [new Float32Array(s.neuronGrid.values)];
    const kernels: Float32Array[] = [];
    const biases: Float32Array[] = [];
    noGrad(() => {
      let h = s.neuronGrid;
      for (const layer of model.layers) {
        h = layer.apply(h);
        if (layer instanceof Dense) {
          neurons.push(new Float32Array(h.values));
          const [k, b] = layer.getWeights() as [Tensor, Tensor];
          kernels.push(new Float32Array(k.values));
          biases.push(new Float32Array(b.values));
        }
      }
    });
    const span = this.epochTimes.length > 1 ? this.epochTimes[this.epochTimes.length - 1]! - this.epochTimes[0]! : 0;
    const update: UpdateMessage = {
      type: 'update', epoch: this.epoch, playing: this.playing, trainLoss, testLoss, trainAccuracy, testAccuracy,
      stepsPerSecond: span > 0 ? ((this.epochTimes.length - 1) * 1000) / span : 0,
      output, neurons, kernels, biases,
    };
    this.lastPost = this.now();
    this.post(update, [output.buffer, ...neurons.map((a) => a.buffer), ...kernels.map((a) => a.buffer), ...biases.map((a) => a.buffer)]);
    if (!Number.isFinite(trainLoss)) {
      this.playing = false;
      this.post({ type: 'error', message: `the training loss is ${trainLoss} after epoch ${this.epoch}: training diverged. Lower the learning rate (now ${s.state.learningRate}) and press reset.` });
    }
  }
}
