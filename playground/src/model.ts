/** The trainer's model, built from a `NetworkPlan` with neurite's layers and optimizers. */
import { Adadelta, Adagrad, Adam, AdamW, Adamax, RMSprop, SGD, layers, regularizers, sequential, type Optimizer, type Sequential } from 'neurite';
import type { NetworkPlan } from './network.js';

function optimizer(plan: NetworkPlan): Optimizer {
  const o = { learningRate: plan.learningRate };
  switch (plan.optimizer) {
    case 'sgd': return new SGD(o);
    case 'adam': return new Adam(o);
    case 'adamw': return new AdamW(o);
    case 'rmsprop': return new RMSprop(o);
    case 'adagrad': return new Adagrad(o);
    case 'adadelta': return new Adadelta(o);
    case 'adamax': return new Adamax(o);
  }
}

/** A compiled Sequential model from the plan (weights drawn from the context's seeded generator). */
export function buildModel(plan: NetworkPlan): Sequential {
  const regularize = plan.l1 > 0 || plan.l2 > 0;
  const stack = plan.dense.flatMap((d, i) => {
    const last = i === plan.dense.length - 1;
    const dense = layers.dense({
      units: d.units,
      activation: d.activation as 'relu',
      ...(i === 0 ? { inputShape: [plan.inputs] } : {}),
      ...(regularize ? { kernelRegularizer: regularizers.l1l2({ l1: plan.l1, l2: plan.l2 }) } : {}),
    });
    return !last && plan.dropout > 0 ? [dense, layers.dropout({ rate: plan.dropout })] : [dense];
  });
  const model = sequential({ layers: stack });
  model.compile({ optimizer: optimizer(plan), loss: plan.loss, metrics: plan.metrics });
  return model;
}
