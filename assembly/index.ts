// The kernel module: matrix products, the training step's elementwise kernels and optimizer
// updates, the sequencer of tiny programs, the window kernels (convolution, pooling), and the
// LSTM and GRU cells.
export * from './gemm';
export * from './train';
export * from './elementwise';
export * from './program';
export * from './window';
export * from './recurrent';
