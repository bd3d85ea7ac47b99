// The kernel module: matrix products and the training step's elementwise kernels.
export * from './gemm';
export * from './train';
