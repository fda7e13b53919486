/**
 * Every series of a run by tag, for export: the per-step and per-epoch scalars (loss, metrics, learning rate,
 * momentum, gradient norms, clipping, dead-unit fractions, activation statistics, live tensors, the job's custom
 * scalars) and the histograms (gradients, weights, activations, the job's custom histograms). Tags are
 * TensorBoard-style paths: `batch/loss`, `epoch/val_acc`, `grad_norm/dense_Dense1`, `custom/<name>`, ….
 */
import type { RunEvent } from '../protocol';

export interface ScalarColumn {
  step: number[];
  /** seconds since the run started */
  seconds: number[];
  /** null: non-finite (NaN or ±Infinity) */
  value: (number | null)[];
}

export interface HistogramSampleOut {
  step: number;
  seconds: number;
  edges: number[];
  counts: number[];
  nonFinite: number;
}

export interface RunSeries {
  scalars: Map<string, ScalarColumn>;
  histograms: Map<string, HistogramSampleOut[]>;
}

const ACTIVATION_STATS = ['mean', 'std', 'min', 'max', 'saturated', 'zero'] as const;

export function collectSeries(events: readonly RunEvent[]): RunSeries {
  const scalars = new Map<string, ScalarColumn>();
  const histograms = new Map<string, HistogramSampleOut[]>();
  const add = (tag: string, step: number, t: number, value: number | null | undefined): void => {
    if (value === undefined) return;
    let c = scalars.get(tag);
    if (!c) scalars.set(tag, (c = { step: [], seconds: [], value: [] }));
    c.step.push(step);
    c.seconds.push(t / 1000);
    c.value.push(value);
  };
  const hist = (tag: string, e: { step: number; t: number; edges: number[]; counts: number[]; nonFinite: number }) => {
    let h = histograms.get(tag);
    if (!h) histograms.set(tag, (h = []));
    h.push({ step: e.step, seconds: e.t / 1000, edges: e.edges, counts: e.counts, nonFinite: e.nonFinite });
  };
  for (const e of events) {
    switch (e.kind) {
      case 'batch':
        add('batch/loss', e.step, e.t, e.loss);
        for (const [k, v] of Object.entries(e.metrics)) add(`batch/${k}`, e.step, e.t, v);
        add('lr', e.step, e.t, e.lr ?? undefined);
        add('momentum', e.step, e.t, e.momentum ?? undefined);
        break;
      case 'epoch':
        for (const [k, v] of Object.entries(e.logs)) add(`epoch/${k}`, e.step, e.t, v);
        break;
      case 'grad-norms':
        for (const [k, v] of Object.entries(e.layers)) add(`grad_norm/${k}`, e.step, e.t, v);
        for (const [k, v] of Object.entries(e.variables)) add(`grad_norm_var/${k}`, e.step, e.t, v);
        if (e.clip) {
          add('grad_clip/pre', e.step, e.t, e.clip.preNorm);
          add('grad_clip/post', e.step, e.t, e.clip.postNorm);
        }
        break;
      case 'dead-units':
        for (const l of e.layers) add(`dead_fraction/${l.layer}`, e.step, e.t, l.dead / l.total);
        break;
      case 'activation-stats':
        for (const l of e.layers)
          for (const s of ACTIVATION_STATS) if (l[s] !== null) add(`activation/${l.layer}/${s}`, e.step, e.t, l[s]);
        if (e.input)
          for (const s of ['mean', 'std', 'min', 'max'] as const)
            if (e.input[s] !== null) add(`input/${s}`, e.step, e.t, e.input[s]);
        break;
      case 'memory':
        add('memory/tensors', e.step, e.t, e.tensors);
        add('memory/bytes', e.step, e.t, e.bytes);
        break;
      case 'custom-scalar':
        add(`custom/${e.name}`, e.step, e.t, e.value);
        break;
      case 'histogram':
        hist(`${e.of}_hist/${e.variable ?? e.layer}`, e);
        break;
      case 'custom-histogram':
        hist(`custom_hist/${e.name}`, e);
        break;
    }
  }
  return { scalars, histograms };
}
