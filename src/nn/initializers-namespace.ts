/** The public `initializers` namespace: neurite's initializers, with tfjs's names beside them. */
import * as init from './initializers.js';

export const initializers = { ...init, ...init.tfjsInitializers };
