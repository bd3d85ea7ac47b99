/**
 * "Copy code": a TypeScript program that builds the same data and the same network with neurite
 * and trains it for as many epochs as the page has, so it reaches the same loss (tested).
 * Printed from the same plan (`planNetwork`) and the same formulas (features, surfaces) the
 * trainer uses.
 */
import { feature } from './features.js';
import { OPTIMIZER_CLASS, type NetworkPlan } from './network.js';
import { REGRESSION_SETS, type PlaygroundState } from './state.js';
import { SURFACES, blobCenters, type SurfaceId } from './synthetic.js';

const q = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** The program for `state` trained with `plan` for `epochs` epochs; `csvName` is the file to read for the CSV set. */
export function snippet(state: PlaygroundState, plan: NetworkPlan, epochs: number, csvName = 'data.csv'): string {
  const names = new Set<string>([OPTIMIZER_CLASS[plan.optimizer], 'layers', 'sequential', 'setSeed', 'tensor', 'trainTestSplit']);
  const data: string[] = [];
  const o = `n: ${state.points}, noise: ${state.noise}, seed: ${state.dataSeed}`;
  if (state.dataset === 'csv') {
    names.add('loadCsv').add('Scaler');
    data.push(
      `// The data: ${csvName}, predicting '${state.target}'; inputs standardized.`,
      `const csv = await loadCsv(${q(csvName)}${state.target !== '' ? `, { target: ${q(state.target)} }` : ''});`,
      `const x = Scaler.fit('standard', csv.x).transform(csv.x);`,
      `const y = tensor(csv.y!.values, [csv.x.shape[0]!, 1]);`,
    );
  } else {
    if ((REGRESSION_SETS as string[]).includes(state.dataset)) {
      names.add('Rng');
      const s = SURFACES[state.dataset as SurfaceId];
      data.push(
        `// The data: ${state.points} points uniform in [-1, 1]², target ${s.expr} plus noise ${state.noise}.`,
        `const n = ${state.points};`,
        `const rng = new Rng(${state.dataSeed});`,
        `const xy = new Float32Array(2 * n);`,
        `const target = new Float32Array(n);`,
        `for (let i = 0; i < n; i++) {`,
        `  const a = 2 * rng.uniform() - 1;`,
        `  const b = 2 * rng.uniform() - 1;`,
        `  xy[2 * i] = a;`,
        `  xy[2 * i + 1] = b;`,
        `  target[i] = ${s.expr} + ${state.noise} * rng.normal();`,
        `}`,
      );
    } else {
      names.add('datasets');
      const call = state.dataset === 'xor' ? `datasets.xor({ ${o} })`
        : state.dataset === 'spiral' ? `datasets.spiral({ ${o}, classes: ${state.classes} })`
        : state.dataset === 'blobs' ? `datasets.blobs({ ${o}, centers: ${JSON.stringify(blobCenters(state.classes))} })`
        : `datasets.${state.dataset}({ ${o} })`;
      data.push(
        `// The data: ${state.dataset}, ${state.points} points, noise ${state.noise}.`,
        `const points = ${call};`,
        `const xy = points.x.values;`,
        `const target = points.y.values;`,
        `const n = target.length;`,
      );
    }
    const fs = state.features.map(feature);
    data.push(
      `// Inputs: ${fs.map((f) => f.label).join(', ')} of each point (a = x₁, b = x₂).`,
      `const features = (a: number, b: number): number[] => [${fs.map((f) => f.expr).join(', ')}];`,
      `const x = tensor(Array.from({ length: n }, (_, i) => features(xy[2 * i]!, xy[2 * i + 1]!)));`,
      `const y = tensor(target, [n, 1]);`,
    );
  }
  const regularize = plan.l1 > 0 || plan.l2 > 0;
  if (regularize) names.add('regularizers');
  const reg = regularize ? `, kernelRegularizer: regularizers.l1l2({ l1: ${plan.l1}, l2: ${plan.l2} })` : '';
  const stack = plan.dense.flatMap((d, i) => {
    const line = `    layers.dense({ units: ${d.units}, activation: ${q(d.activation)}${i === 0 ? `, inputShape: [${plan.inputs}]` : ''}${reg} }),`;
    return i < plan.dense.length - 1 && plan.dropout > 0 ? [line, `    layers.dropout({ rate: ${plan.dropout} }),`] : [line];
  });
  const metric = plan.metrics.length > 0;
  return [
    `import { ${[...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())).join(', ')} } from 'neurite';`,
    '',
    ...data,
    `const { xTrain, yTrain, xTest, yTest } = trainTestSplit(x, y, { testSize: ${1 - state.trainRatio}, seed: ${state.dataSeed} });`,
    '',
    `// The network; the seed fixes the initial weights and the shuffling.`,
    `setSeed(${state.seed});`,
    `const model = sequential({`,
    `  layers: [`,
    ...stack,
    `  ],`,
    `});`,
    `model.compile({ optimizer: new ${OPTIMIZER_CLASS[plan.optimizer]}({ learningRate: ${plan.learningRate} }), loss: ${q(plan.loss)}${metric ? `, metrics: ['accuracy']` : ''} });`,
    ...(epochs > 0 ? [`await model.fit(xTrain, yTrain, { epochs: ${epochs}, batchSize: ${state.batchSize}, verbose: 0 });`] : []),
    '',
    `const [trainLoss${metric ? ', trainAccuracy' : ''}] = [model.evaluate(xTrain, yTrain, { batchSize: 4096 })].flat();`,
    `const [testLoss${metric ? ', testAccuracy' : ''}] = [model.evaluate(xTest, yTest, { batchSize: 4096 })].flat();`,
    `console.log(\`epoch ${epochs}: train loss \${trainLoss!.item()}, test loss \${testLoss!.item()}${metric ? ', test accuracy ${testAccuracy!.item()}' : ''}\`);`,
    '',
  ].join('\n');
}
