/**
 * The one event contract: runner -> host (IPC), the run log on disk (events.ndjson), CLI report, webview.
 * Every line that crosses a boundary is parsed with `parseEvent`, which says why a bad line is rejected.
 */
import * as z from 'zod';
import { customScalarEvent, customHistogramEvent } from './customEvents';

import { base, finiteOrNull, sourceLocation } from './eventParts';
import { dataCheckEvent, classMetricsEvent } from './dataEvents';
export type { SourceLocation } from './eventParts';

const layerSummary = z.object({
  name: z.string(),
  className: z.string(),
  activation: z.string().optional(),
  initializer: z.string().optional(),
  /** the kernel regularizer (e.g. L1L2): its penalty is part of the reported loss */
  regularizer: z.string().optional(),
  units: z.number().int().optional(),
  params: z.number().int().nonnegative(),
  /** false when the layer is frozen (`layer.trainable = false`): fit leaves its weights alone; absent in older logs */
  trainable: z.boolean().optional(),
  /** the part of `params` fit updates (0 when frozen; less than params for batch norm's moving statistics) */
  trainableParams: z.number().int().nonnegative().optional(),
  outputShape: z.array(z.number().nullable()).optional(),
  location: sourceLocation.optional(),
  /** the initializer-per-activation table's verdict on this layer (G1), when the table has a row for it */
  guideline: z.object({ ok: z.boolean(), text: z.string() }).optional(),
});
export type LayerSummary = z.infer<typeof layerSummary>;

export const runStartEvent = z.object({
  ...base,
  kind: z.literal('run-start'),
  jobFile: z.string(),
  backend: z.string(),
  backendNotes: z.array(z.string()).default([]),
  startedAt: z.string(), // ISO wall-clock time
  /** what the run was started with beyond the job: an epochs override, the seed of Math.random */
  argv: z
    .object({ epochs: z.number().int().positive().optional(), seed: z.number().int().nonnegative().optional() })
    .default({}),
  /** set when this run trains a patched copy of the job ("try the fix"): the fix and the run it is compared with */
  variant: z.object({ of: z.string().optional(), title: z.string() }).optional(),
  /** hyper-parameter values a sweep passed to this run (what `hparams()` in the job returns over its defaults) */
  hparams: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).optional(),
  /** the sweep this run is a trial of */
  sweep: z.object({ id: z.string(), trial: z.number().int().nonnegative() }).optional(),
});

/** Emitted when a (patched) fit/fitDataset starts: the model is only known then, not at run start. */
export const fitStartEvent = z.object({
  ...base,
  kind: z.literal('fit-start'),
  fitIndex: z.number().int().nonnegative(),
  method: z.enum(['fit', 'fitDataset']),
  epochs: z.number().int().nonnegative(),
  stepsPerEpoch: z.number().int().positive().nullable(),
  batchSize: z.number().int().positive().nullable(),
  optimizer: z.string(),
  loss: z.string().nullable(),
  layers: z.array(layerSummary),
  totalParams: z.number().int().nonnegative(),
  /** parameters fit updates (Keras summary's "Trainable params"); the rest of totalParams is non-trainable */
  trainableParams: z.number().int().nonnegative().optional(),
  location: sourceLocation.optional(),
  /** backend as training actually started (differs from run-start after a wasm -> cpu fallback) */
  backend: z.string().optional(),
  /** where `compile` was called, when the runner saw it */
  compileLocation: sourceLocation.optional(),
  /** element count of each trainable variable (for per-element gradient magnitudes) */
  variables: z.record(z.string(), z.number().int().nonnegative()).optional(),
  /** samples the validation loss is computed on (validationSplit or validationData), when fit has them */
  validationSamples: z.number().int().nonnegative().optional(),
});

export const batchEvent = z.object({
  ...base,
  kind: z.literal('batch'),
  step: z.number().int().nonnegative(),
  epoch: z.number().int().nonnegative(),
  batch: z.number().int().nonnegative(),
  loss: finiteOrNull,
  metrics: z.record(z.string(), finiteOrNull),
  lr: z.number().nullable(),
  /** the optimizer's momentum (or Adam-family beta1) when a schedule moves it (1cycle) */
  momentum: z.number().nullable().optional(),
});

export const epochEvent = z.object({
  ...base,
  kind: z.literal('epoch'),
  epoch: z.number().int().nonnegative(),
  step: z.number().int().nonnegative(),
  logs: z.record(z.string(), finiteOrNull),
  /**
   * the compiled loss at the epoch's end weights over a fixed sample of the training data (src/probes/endLoss.ts):
   * comparable with val_loss, which is read at the same weights, unlike `logs.loss`, an average over the epoch's
   * steps. Set when the fit validates on tensors; absent in older logs.
   */
  endLoss: z.object({ loss: finiteOrNull, samples: z.number().int().positive() }).optional(),
});

export const gradNormsEvent = z.object({
  ...base,
  kind: z.literal('grad-norms'),
  step: z.number().int().nonnegative(),
  /** per trainable variable, e.g. "dense_Dense1/kernel" */
  variables: z.record(z.string(), finiteOrNull),
  /** per layer: sqrt of the sum of its variables' squared norms */
  layers: z.record(z.string(), finiteOrNull),
  /** set when the optimizer clips gradients (training-lens toolkit): global norm before and after clipping */
  clip: z
    .object({
      mode: z.enum(['value', 'norm']),
      threshold: z.number().positive(),
      preNorm: finiteOrNull,
      postNorm: finiteOrNull,
    })
    .optional(),
});

export const histogramEvent = z
  .object({
    ...base,
    kind: z.literal('histogram'),
    step: z.number().int().nonnegative(),
    of: z.enum(['grad', 'weight', 'activation']),
    layer: z.string(),
    variable: z.string().optional(),
    edges: z.array(z.number()), // bins + 1 edges
    counts: z.array(z.number().nonnegative()),
    nonFinite: z.number().int().nonnegative(),
  })
  .refine(e => e.edges.length === e.counts.length + 1, { message: 'edges must have one more entry than counts' });

export const deadUnitsEvent = z.object({
  ...base,
  kind: z.literal('dead-units'),
  step: z.number().int().nonnegative(),
  /** steps in the window the units were observed over */
  window: z.number().int().positive(),
  layers: z.array(
    z.object({ layer: z.string(), dead: z.number().int().nonnegative(), total: z.number().int().positive() }),
  ),
});

const stat = z.number().nullable();
export const activationStatsEvent = z.object({
  ...base,
  kind: z.literal('activation-stats'),
  step: z.number().int().nonnegative(),
  layers: z.array(
    z.object({
      layer: z.string(),
      activation: z.string(),
      mean: stat,
      std: stat,
      min: stat,
      max: stat,
      /** share of sigmoid/tanh outputs whose pre-activation is beyond ±5; null for other activations */
      saturated: stat,
      zero: stat,
    }),
  ),
  /** the model's input batch: unnormalized data shows here */
  input: z.object({ mean: stat, std: stat, min: stat, max: stat }).optional(),
});

/**
 * A symptom the diagnosis measured but did not raise because a finding already raised explains it (dead ReLUs
 * explain a loss that stalls): the cause keeps it as evidence.
 */
export const explainedSymptom = z.object({
  code: z.string(),
  layer: z.string().optional(),
  message: z.string(),
  step: z.number().int().optional(),
  epoch: z.number().int().optional(),
  location: sourceLocation.optional(),
});
export type ExplainedSymptom = z.infer<typeof explainedSymptom>;

export const findingSchema = z.object({
  code: z.string(),
  severity: z.enum(['error', 'warning', 'info']),
  source: z.enum(['static', 'runtime']),
  message: z.string(),
  layer: z.string().optional(),
  file: z.string().optional(),
  range: z.object({ start: sourceLocation, end: sourceLocation.optional() }).optional(),
  step: z.number().int().optional(),
  epoch: z.number().int().optional(),
  evidence: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])),
  rule: z.string(),
  /** training steps (and epochs) over which the symptom held, for highlighting on charts */
  held: z
    .object({
      fromStep: z.number().int().nonnegative(),
      toStep: z.number().int().nonnegative(),
      fromEpoch: z.number().int().optional(),
      toEpoch: z.number().int().optional(),
    })
    .optional(),
  /** remedies in the order to try them, phrased for this model */
  advice: z.array(z.string()).optional(),
  fixes: z
    .array(
      z.object({
        title: z.string(),
        edits: z.array(z.object({ file: z.string(), start: sourceLocation, end: sourceLocation, newText: z.string() })),
      }),
    )
    .optional(),
  /** the symptoms this finding explains, as `explained` events named them after it was raised (see foldExplained) */
  explains: z.array(explainedSymptom).optional(),
});
export type Finding = z.infer<typeof findingSchema>;

export const findingEvent = z.object({ ...base, kind: z.literal('finding'), finding: findingSchema });

/** `symptom` was seen after `cause` was raised, and is explained by it (not raised as a finding of its own). */
export const explainedEvent = z.object({
  ...base,
  kind: z.literal('explained'),
  cause: z.object({ code: z.string(), layer: z.string().optional() }),
  symptom: explainedSymptom,
});
export type ExplainedEvent = z.infer<typeof explainedEvent>;

/**
 * What makes two findings of a run the same finding: code and layer; the non-finite finding is one per run, whichever
 * layer it names. The engine raises a key once (or again at a higher severity); readers match on it.
 */
export function findingKey(f: { code: string; layer?: string }): string {
  return f.code === 'non-finite' ? f.code : `${f.code}|${f.layer ?? ''}`;
}

/**
 * Adds a `finding` event's finding to a run's list. The engine raises a code (per layer) once, except at a higher
 * severity when the evidence grew (a jumping validation loss whose best went stale): that one replaces the earlier
 * one, keeping the symptoms it explained. Returns the list.
 */
export function addFinding(findings: Finding[], f: Finding): Finding[] {
  const i = findings.findIndex(g => findingKey(g) === findingKey(f));
  if (i < 0) findings.push(f);
  else findings[i] = findings[i].explains && !f.explains ? { ...f, explains: findings[i].explains } : f;
  return findings;
}

/**
 * Adds an `explained` event's symptom to the finding it names (same code and layer) in `findings`; returns the
 * updated finding, or undefined when the run raised no such finding. A symptom already listed is not added twice.
 */
export function foldExplained(findings: Finding[], e: Pick<ExplainedEvent, 'cause' | 'symptom'>): Finding | undefined {
  const i = findings.findIndex(f => findingKey(f) === findingKey(e.cause));
  if (i < 0) return undefined;
  const f = findings[i];
  const known = (f.explains ?? []).some(s => findingKey(s) === findingKey(e.symptom));
  if (known) return f;
  return (findings[i] = { ...f, explains: [...(f.explains ?? []), e.symptom] });
}

export const logEvent = z.object({
  ...base,
  kind: z.literal('log'),
  level: z.enum(['debug', 'info', 'warn', 'error']),
  stream: z.enum(['stdout', 'stderr', 'runner']),
  text: z.string(),
});

export const runErrorSchema = z.object({
  message: z.string(),
  stack: z.string().optional(),
  /** where in the user's code it happened (first frame in the job's own files, source-mapped) */
  location: sourceLocation.optional(),
});
export type RunError = z.infer<typeof runErrorSchema>;

export const runEndEvent = z.object({
  ...base,
  kind: z.literal('run-end'),
  status: z.enum(['ok', 'error', 'cancelled']),
  error: runErrorSchema.optional(),
  steps: z.number().int().nonnegative(),
  durationMs: z.number().nonnegative(),
});

/**
 * tf.memory() after a step: sent when it changed (and every few steps), so a healthy run writes few. `site` is where
 * the tensors that outlived a step were created, once the runner has caught one (the tensor-leak finding's line).
 */
export const memoryEvent = z.object({
  ...base,
  kind: z.literal('memory'),
  step: z.number().int().nonnegative(),
  tensors: z.number().int().nonnegative(),
  bytes: z.number().nonnegative(),
  site: sourceLocation.extend({ count: z.number().int().positive() }).optional(),
});

export const runEventSchema = z.union([
  runStartEvent,
  fitStartEvent,
  batchEvent,
  epochEvent,
  gradNormsEvent,
  histogramEvent,
  deadUnitsEvent,
  activationStatsEvent,
  findingEvent,
  explainedEvent,
  logEvent,
  runEndEvent,
  memoryEvent,
  dataCheckEvent,
  classMetricsEvent,
  customScalarEvent,
  customHistogramEvent,
]);

export type RunStartEvent = z.infer<typeof runStartEvent>;
export type FitStartEvent = z.infer<typeof fitStartEvent>;
export type BatchEvent = z.infer<typeof batchEvent>;
export type EpochEvent = z.infer<typeof epochEvent>;
export type GradNormsEvent = z.infer<typeof gradNormsEvent>;
export type HistogramEvent = z.infer<typeof histogramEvent>;
export type DeadUnitsEvent = z.infer<typeof deadUnitsEvent>;
export type ActivationStatsEvent = z.infer<typeof activationStatsEvent>;
export type FindingEvent = z.infer<typeof findingEvent>;
export type LogEvent = z.infer<typeof logEvent>;
export type RunEndEvent = z.infer<typeof runEndEvent>;
export type MemoryEvent = z.infer<typeof memoryEvent>;
export type DataCheckEvent = z.infer<typeof dataCheckEvent>;
export type ClassMetricsEvent = z.infer<typeof classMetricsEvent>;
export type RunEvent = z.infer<typeof runEventSchema>;
export type RunEventKind = RunEvent['kind'];
export type RunStatus = RunEndEvent['status'];

/** An event as the runner builds it, before runId/seq/t are stamped. */
export type EventBody = RunEvent extends infer E
  ? E extends RunEvent
    ? Omit<E, 'runId' | 'seq' | 't'>
    : never
  : never;

const schemaByKind: Record<RunEventKind, z.ZodType> = {
  'run-start': runStartEvent,
  'fit-start': fitStartEvent,
  batch: batchEvent,
  epoch: epochEvent,
  'grad-norms': gradNormsEvent,
  histogram: histogramEvent,
  'dead-units': deadUnitsEvent,
  'activation-stats': activationStatsEvent,
  finding: findingEvent,
  explained: explainedEvent,
  log: logEvent,
  'run-end': runEndEvent,
  memory: memoryEvent,
  'data-check': dataCheckEvent,
  'class-metrics': classMetricsEvent,
  'custom-scalar': customScalarEvent,
  'custom-histogram': customHistogramEvent,
};

export type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Validates an already-decoded value; the reason names the offending field. */
export function validateEvent(value: unknown): ParseResult<RunEvent> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, reason: 'not a JSON object' };
  const kind = (value as { kind?: unknown }).kind;
  // own keys only: `kind in` would accept inherited names (constructor, __proto__, toString)
  if (typeof kind !== 'string' || !Object.hasOwn(schemaByKind, kind))
    return { ok: false, reason: `unknown event kind ${JSON.stringify(kind)}` };
  const result = schemaByKind[kind as RunEventKind].safeParse(value);
  if (result.success) return { ok: true, value: result.data as RunEvent };
  const issue = result.error.issues[0];
  return { ok: false, reason: `${kind}: ${issue.path.length ? issue.path.join('.') + ': ' : ''}${issue.message}` };
}

/** Parses one NDJSON line. */
export function parseEvent(line: string): ParseResult<RunEvent> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    return { ok: false, reason: `invalid JSON: ${(e as Error).message}` };
  }
  return validateEvent(value);
}

/** JSON cannot carry NaN/Infinity: such numbers become null (the event's consumers treat null as non-finite). */
export function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
export { dataCheckEvent, classMetricsEvent } from './dataEvents';
