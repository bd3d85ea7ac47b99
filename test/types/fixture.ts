/**
 * Types that help (checked by test/types.test.ts, and by `npm run typecheck`): names complete
 * and a typo does not compile; strings from variables go where tfjs takes strings; the common
 * destructuring of evaluate and the gradient accessor compile under strict settings. Each
 * `@ts-expect-error` must meet an error, or the check fails ("unused directive").
 */
import {
  type ActivationName, type InitializerName, type LossName, type MetricName, type OptimizerName, type RegularizerName,
  type SymbolicTensor, type Tensor, input, layers, sequential, tensor, variable,
} from 'neurite';

// Both spellings of every kind of name.
const names: [ActivationName, ActivationName, LossName, LossName, OptimizerName, MetricName, MetricName, InitializerName, InitializerName, InitializerName, RegularizerName, RegularizerName] = [
  'leakyRelu', 'leaky_relu', 'binaryCrossentropy', 'binary_crossentropy', 'rmsprop', 'categoricalAccuracy', 'categorical_accuracy',
  'glorotUniform', 'glorot_uniform', 'GlorotUniform', 'l1l2', 'l1_l2',
];
// @ts-expect-error a typo is not an activation
const badActivation: ActivationName = 'sigmoud';
// @ts-expect-error nor a loss
const badLoss: LossName = 'binary_crossentropyy';

const model = sequential({ layers: [
  layers.dense({ units: 4, inputShape: [2], activation: 'relu', kernelInitializer: 'he_normal', kernelRegularizer: 'l2' }),
  layers.conv1d({ filters: 2, kernelSize: 1, padding: 'same' }),
] });
// @ts-expect-error a typo in a layer's activation
layers.dense({ units: 1, activation: 'rellu' });
// @ts-expect-error a typo in an initializer
layers.dense({ units: 1, kernelInitializer: 'glorot_uniforn' });
// @ts-expect-error a padding that does not exist
layers.conv2d({ filters: 1, kernelSize: 1, padding: 'full' });

model.compile({ optimizer: 'adam', loss: 'mse', metrics: ['mae', 'accuracy'] });
// @ts-expect-error a typo in compile's loss
model.compile({ optimizer: 'adam', loss: 'mse2' });
// @ts-expect-error in its optimizer
model.compile({ optimizer: 'adamm', loss: 'mse' });
// @ts-expect-error in its metrics
model.compile({ optimizer: 'adam', loss: 'mse', metrics: ['accuracyy'] });

// Per-output losses and metrics with different names, keyed by output or listed (each name is
// checked on its own: one type parameter per kind of name took its first candidate only).
const two = model as unknown as import('neurite').Functional;
two.compile({ optimizer: 'sgd', loss: { o1: 'mse', o2: 'categorical_crossentropy' }, lossWeights: { o2: 0.5 }, metrics: { o1: 'mae', o2: ['accuracy', 'mse'] } });
two.compile({ optimizer: 'sgd', loss: ['mse', 'mae'] as const, metrics: [['mae'], ['mse', 'accuracy']] });
two.compile({ optimizer: 'sgd', loss: (yTrue, yPred) => yPred.sub(yTrue).square().mean(), metrics: ['mae'] });
// @ts-expect-error a typo in one output's loss
two.compile({ optimizer: 'sgd', loss: { o1: 'mse', o2: 'maee' } });
// @ts-expect-error a typo in one output's metrics
two.compile({ optimizer: 'sgd', loss: 'mse', metrics: { o1: 'mae', o2: ['mse', 'acuracy'] } });
// @ts-expect-error a typo in a list of lists
two.compile({ optimizer: 'sgd', loss: 'mse', metrics: [['mae'], ['msee']] });

// Strings from variables (a config file, a command line) type-check where tfjs takes strings.
declare const fromConfig: string;
model.compile({ optimizer: fromConfig, loss: fromConfig, metrics: [fromConfig] });
const options = { optimizer: 'sgd', loss: 'mse' }; // widened to string by TypeScript
model.compile(options);

// evaluate destructures; gradOrThrow is a Tensor.
const x = tensor([[0, 1]]);
const [loss, mae] = model.evaluate(x, tensor([[1, 0, 0, 1]]));
const a = variable(2);
a.mul(a).backward();
const g: Tensor = a.gradOrThrow();
// @ts-expect-error .grad itself may be null
a.grad.item();

// A recurrent layer's output count follows returnState: the list [output, ...states] with
// `returnState: true`, one tensor without; a config the compiler cannot read gives either, and
// tfjs's cast (`as SymbolicTensor[]`) applies.
const seq = input({ shape: [5, 3] });
const [encoded, stateH, stateC] = layers.lstm({ units: 4, returnState: true }).apply(seq);
const states: SymbolicTensor[] = [stateH!, stateC!];
const single: SymbolicTensor = layers.gru({ units: 4 }).apply(seq);
layers.dense({ units: 1 }).apply(single);
// @ts-expect-error one output is not a list
const [notAList] = layers.simpleRNN({ units: 2 }).apply(seq);
declare const returnsState: boolean;
const either = layers.lstm({ units: 2, returnState: returnsState }).apply(seq);
// @ts-expect-error either one tensor or a list: the program says which
layers.dense({ units: 1 }).apply(either);
const castList = either as SymbolicTensor[];
const [eagerOut, eagerH] = layers.gru({ units: 2, returnState: true }).apply(tensor([[[1], [2]]]));
const eager: Tensor[] = [eagerOut!, eagerH!];

export const used = [names, badActivation, badLoss, loss, mae, g, encoded, states, notAList, castList, eager];
