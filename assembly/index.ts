// The kernel module: matrix products, the training step's elementwise kernels, and the fused
// step of small Dense stacks.
export * from './gemm';
export * from './train';
export * from './elementwise';
export * from './program';
export * from './window';
