/**
 * What a Training Lens event becomes in tfevents: one entry per event kind, each returning the TensorBoard
 * summaries (scalars as TF1 `simple_value`, histograms as TF1 `histo`, the forms TensorBoard, Aim and W&B all read)
 * and the step to file them under. A new event kind (a custom scalar, say) gets a new entry here. The tags are the
 * ones src/tfevents/tags.ts reads back, so a Training Lens run read as a logdir gives the same series.
 */
import type { RunEvent, RunEventKind } from '../protocol';
import type { HistogramProto, SummaryValue } from './codec';
import { END_LOSS_TAG, END_LOSS_SAMPLES_TAG } from './tags';

export interface Translated {
  step: number;
  values: SummaryValue[];
}

const scalar = (tag: string, value: number | null | undefined): SummaryValue[] =>
  typeof value === 'number' ? [{ tag, simple_value: value }] : []; // null: not finite in the log, skipped

function histo(edges: number[], counts: number[]): HistogramProto {
  let num = 0,
    sum = 0,
    sumSquares = 0;
  counts.forEach((c, i) => {
    const mid = (edges[i] + edges[i + 1]) / 2; // the bin centre stands for its values (the log keeps no more)
    num += c;
    sum += c * mid;
    sumSquares += c * mid * mid;
  });
  return {
    min: edges[0],
    max: edges[edges.length - 1],
    num,
    sum,
    sum_squares: sumSquares,
    bucket_limit: edges.slice(1),
    bucket: counts,
  };
}

type Translator<K extends RunEventKind> = (e: Extract<RunEvent, { kind: K }>) => Translated | undefined;

export const TRANSLATORS: { [K in RunEventKind]?: Translator<K> } = {
  batch: e => ({
    step: e.step,
    values: [
      ...scalar('batch/loss', e.loss),
      ...Object.entries(e.metrics).flatMap(([k, v]) => scalar(`batch/${k}`, v)),
      ...scalar('batch/learning_rate', e.lr),
      ...scalar('batch/momentum', e.momentum),
    ],
  }),
  epoch: e => ({
    step: e.epoch,
    values: [
      ...Object.entries(e.logs).flatMap(([k, v]) => scalar(`epoch/${k}`, v)),
      // the training loss at the weights val_loss was read at (src/probes/endLoss.ts); read back by convert.ts
      ...(e.endLoss
        ? [...scalar(END_LOSS_TAG, e.endLoss.loss), ...scalar(END_LOSS_SAMPLES_TAG, e.endLoss.samples)]
        : []),
    ],
  }),
  'grad-norms': e => ({
    step: e.step,
    values: [
      ...Object.entries(e.layers).flatMap(([k, v]) => scalar(`grad_norm/${k}`, v)),
      ...(e.clip
        ? [
            ...scalar('grad_norm/global_before_clip', e.clip.preNorm),
            ...scalar('grad_norm/global_after_clip', e.clip.postNorm),
          ]
        : []),
    ],
  }),
  'dead-units': e => ({
    step: e.step,
    values: e.layers.flatMap(l => scalar(`dead_fraction/${l.layer}`, l.dead / l.total)),
  }),
  histogram: e =>
    e.counts.length
      ? {
          step: e.step,
          values: [{ tag: [e.of, e.layer, e.variable].filter(Boolean).join('/'), histo: histo(e.edges, e.counts) }],
        }
      : undefined,
  // the toolkit's log() / logHistogram(): the same tags export uses
  'custom-scalar': e => ({ step: e.step, values: scalar(`custom/${e.name}`, e.value) }),
  'custom-histogram': e =>
    e.counts.length
      ? { step: e.step, values: [{ tag: `custom_hist/${e.name}`, histo: histo(e.edges, e.counts) }] }
      : undefined,
};

export function translate(e: RunEvent): Translated | undefined {
  const t = TRANSLATORS[e.kind] as Translator<typeof e.kind> | undefined;
  const out = t?.(e as never);
  return out && out.values.length ? out : undefined;
}
