/** The tfjs types the runner, the probes and the toolkit share: the real tfjs, loaded at run time from the runner's own copy. */
export type Tf = typeof import('@tensorflow/tfjs');
export type Tensor = import('@tensorflow/tfjs').Tensor;
export type Tensor2D = import('@tensorflow/tfjs').Tensor2D;
export type LayersModel = import('@tensorflow/tfjs').LayersModel;
export type Layer = import('@tensorflow/tfjs').layers.Layer;
export type Optimizer = import('@tensorflow/tfjs').Optimizer;
