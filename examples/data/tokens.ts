/**
 * Synthetic "reviews" for an embedding model: sequences of word ids, some words positive, some negative, most
 * neutral; a review is positive when it has more positive than negative words. Generated from a fixed seed (no
 * download), so every run sees the same data.
 */
import * as tf from '@tensorflow/tfjs';

export const VOCABULARY = 500;
export const LENGTH = 24;
const POSITIVE = [1, 40];
const NEGATIVE = [40, 80];

export interface Split { xs: tf.Tensor2D; ys: tf.Tensor2D }

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296; };
}

export function loadReviews(trainCount: number, testCount: number, seed = 7): { train: Split; test: Split } {
  const random = lcg(seed);
  const make = (count: number): Split => {
    const ids: number[] = [];
    const labels: number[] = [];
    while (labels.length < count) {
      let score = 0;
      const row: number[] = [];
      for (let t = 0; t < LENGTH; t++) {
        const id = 1 + Math.floor(random() * (VOCABULARY - 1));
        if (id >= POSITIVE[0] && id < POSITIVE[1]) score++;
        if (id >= NEGATIVE[0] && id < NEGATIVE[1]) score--;
        row.push(id);
      }
      if (score === 0) continue; // a tie has no label
      ids.push(...row);
      labels.push(score > 0 ? 1 : 0);
    }
    return { xs: tf.tensor2d(ids, [count, LENGTH], 'int32'), ys: tf.tensor2d(labels, [count, 1]) };
  };
  return { train: make(trainCount), test: make(testCount) };
}
