/**
 * How TensorBoard tags become Training Lens series (README "TensorBoard interop" documents the table):
 * - Keras' TensorBoard callback: `epoch_<name>` in train/ → epoch `<name>`, in validation/ → `val_<name>`;
 *   `batch_<name>` → per-step `<name>`; `epoch_learning_rate` → the learning rate.
 * - Training Lens' own tfevents: `batch/<name>`, `epoch/<name>`, `grad_norm/<layer>`, `dead_fraction/<layer>`;
 *   `epoch/end_loss` with `epoch/end_loss_samples` → the epoch's training loss at its end weights (withEndLoss).
 * - Any other tag (PyTorch SummaryWriter, tensorboardX, tf.summary): a per-step series; a tag naming a held-out
 *   split (`val`, `validation`, `test`, `eval`, `dev` as one of its words, e.g. `Loss/val`) is a validation series
 *   `val_<rest>`, read at the steps it was logged as epochs. A series whose name is `loss` is the loss.
 * - Histograms: `grad`/`gradient` in the tag → gradients, `activation`/`output` → activations, else weights; the
 *   last path part is the variable (`kernel`, `bias`, `weight`), the rest the layer. A histogram's series key is
 *   `histogram:<of>/<layer>[/<variable>]` (findings on it name its tag).
 */

export type ScalarRole =
  | { kind: 'epoch'; key: string }
  | { kind: 'batch'; key: string }
  | { kind: 'lr' }
  | { kind: 'grad-norm'; layer: string }
  | { kind: 'validation'; key: string }
  | { kind: 'ignore' };

const HELD_OUT = /(^|[/_.\-\s])(val|valid|validation|test|eval|dev)(?=$|[/_.\-\s])/i;
const TRAIN_WORD = /(^|[/_.\-\s])(train|training)(?=$|[/_.\-\s])/i;
const LR = /^(lr|learning_rate|learning-rate)$/i;

/** A tag with its split words taken out: `Loss/train` → `loss`, `val_acc` → `acc`. */
function baseName(tag: string, word: RegExp): string {
  const rest = tag
    .replace(word, '$1')
    .replace(/^[/_.\-\s]+|[/_.\-\s]+$/g, '')
    .replace(/[/_.\-\s]{2,}/g, m => m[0]);
  return /^loss$/i.test(rest) || rest === '' ? 'loss' : rest;
}

export function scalarRole(tag: string, part: 'train' | 'validation'): ScalarRole {
  const own = /^(batch|epoch|grad_norm|dead_fraction)\/(.+)$/.exec(tag);
  if (own) {
    if (own[1] === 'batch') return LR.test(own[2]) ? { kind: 'lr' } : { kind: 'batch', key: own[2] };
    if (own[1] === 'epoch') return { kind: 'epoch', key: own[2] };
    if (own[1] === 'grad_norm') return { kind: 'grad-norm', layer: own[2] };
    return { kind: 'batch', key: tag };
  }
  // Keras' validation/ repeats its epoch values indexed by iteration: the epoch_ tags already carry them
  if (/^evaluation_.+_vs_iterations$/.test(tag)) return { kind: 'ignore' };
  const keras = /^(epoch|batch)_(.+)$/.exec(tag);
  if (keras) {
    const key = keras[2];
    if (keras[1] === 'batch') return LR.test(key) ? { kind: 'lr' } : { kind: 'batch', key };
    if (LR.test(key)) return { kind: 'epoch', key: 'lr' };
    return { kind: 'epoch', key: part === 'validation' ? `val_${key}` : key };
  }
  if (LR.test(tag) || /(^|\/)(lr|learning_rate)$/i.test(tag)) return { kind: 'lr' };
  if (part === 'validation' || HELD_OUT.test(tag)) return { kind: 'validation', key: `val_${baseName(tag, HELD_OUT)}` };
  return { kind: 'batch', key: baseName(tag, TRAIN_WORD) };
}

export interface HistogramRole {
  of: 'grad' | 'weight' | 'activation';
  layer: string;
  variable?: string;
}

export function histogramRole(tag: string): HistogramRole {
  const of = /grad/i.test(tag) ? 'grad' : /activation|output/i.test(tag) ? 'activation' : 'weight';
  const name = tag
    .replace(/\/histogram$/, '')
    .replace(/^(weights?|grads?|gradients?|activations?|outputs?)\//i, '')
    .replace(/_(grad|gradient)s?$/i, '');
  const cut = Math.max(name.lastIndexOf('/'), name.lastIndexOf('.'));
  if (cut <= 0) return { of, layer: name };
  return { of, layer: name.slice(0, cut), variable: name.slice(cut + 1) };
}

/** The series key of a histogram tag, as findings on it carry it (`histogram:weight/dense_1/kernel`). */
export function histogramSeries(role: HistogramRole): string {
  return `histogram:${role.of}/${role.layer}${role.variable === undefined ? '' : `/${role.variable}`}`;
}

/**
 * A histogram with NaN/Inf edges or counts (TensorFlow writes a tensor holding NaN/Inf so) cannot place its values
 * in bins: it becomes what the runner's probe records for such a tensor, one empty bin and the non-finite count
 * (every value it holds: which of them were finite cannot be told).
 */
export function nonFiniteBins(counts: number[]): { edges: number[]; counts: number[]; nonFinite: number } {
  const n = counts.reduce((a, c) => a + (Number.isFinite(c) ? c : 0), 0);
  return { edges: [0, 1], counts: [0], nonFinite: Math.max(1, Math.round(n)) };
}

/** The end-of-epoch training loss (src/probes/endLoss.ts) as the writer tags it: two epoch scalars. */
export const END_LOSS_TAG = 'epoch/end_loss';
export const END_LOSS_SAMPLES_TAG = 'epoch/end_loss_samples';

/** An epoch's logs as read back, with the end-of-epoch training loss taken out of them into its own field. */
export function withEndLoss(logs: Record<string, number | null>): {
  logs: Record<string, number | null>;
  endLoss?: { loss: number | null; samples: number };
} {
  const { end_loss: loss, end_loss_samples: samples, ...rest } = logs;
  if (loss === undefined || typeof samples !== 'number' || !(samples >= 1) || !Number.isInteger(samples))
    return { logs };
  return { logs: rest, endLoss: { loss, samples } };
}
