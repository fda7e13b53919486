/**
 * Host <-> dashboard webview messages. The host owns run state; the webview asks for a replay with `ready`.
 * Both directions are validated at runtime (a webview is a separate, less trusted context).
 */
import * as z from 'zod';
import { runEventSchema, type RunEvent, type ParseResult } from './events';
import { checkHistory, type BatchColumns, type GradNormsColumns, type HistogramColumns } from './history';

/** A run's history in columns (see history.ts): typed arrays checked in one pass, the other events by their schema. */
export const historyChunkSchema = z.object({
  batch: z.custom<BatchColumns | null>(),
  gradNorms: z.custom<GradNormsColumns | null>(),
  histogram: z.custom<HistogramColumns | null>(),
  events: z.array(runEventSchema),
}).superRefine((h, ctx) => {
  const problem = checkHistory(h);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const runInfoSchema = z.object({
  runId: z.string(),
  jobFile: z.string(),
  label: z.string(),
  startedAt: z.string(),
  status: z.enum(['running', 'ok', 'error', 'cancelled']),
});
export type RunInfo = z.infer<typeof runInfoSchema>;

export const hostToWebviewSchema = z.discriminatedUnion('type', [
  /** Replace everything shown with these runs (sent on ready and when the selection changes). */
  z.object({ type: z.literal('reset'), runs: z.array(runInfoSchema) }),
  /** Append events to a run, in seq order (history replay and live updates alike). */
  z.object({ type: z.literal('events'), runId: z.string(), events: z.array(runEventSchema) }),
  /** The same as `events`, in columns: how the host replays a run's history. */
  z.object({ type: z.literal('history'), runId: z.string(), history: historyChunkSchema }),
  z.object({ type: z.literal('run-info'), run: runInfoSchema }),
]);
export type HostToWebview = z.infer<typeof hostToWebviewSchema>;

export const webviewToHostSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('open-source'), file: z.string(), line: z.number().int().positive() }),
  z.object({ type: z.literal('stop-run'), runId: z.string() }),
  z.object({ type: z.literal('error'), message: z.string() }),
]);
export type WebviewToHost = z.infer<typeof webviewToHostSchema>;

function check<T>(schema: z.ZodType<T>, value: unknown): ParseResult<T> {
  const r = schema.safeParse(value);
  if (r.success) return { ok: true, value: r.data };
  const issue = r.error.issues[0];
  return { ok: false, reason: `${issue.path.join('.') || 'message'}: ${issue.message}` };
}

export const parseHostMessage = (v: unknown): ParseResult<HostToWebview> => check(hostToWebviewSchema, v);
export const parseWebviewMessage = (v: unknown): ParseResult<WebviewToHost> => check(webviewToHostSchema, v);
export type { RunEvent };

/**
 * A hyper-parameter sweep (src/sweep): the record kept in `.training-lens/sweeps/<id>.json` and, as is, the state the
 * host sends to the Sweep panel. The host owns it; the panel sorts and displays it.
 */
const sweepScoreSchema = z.object({ value: z.number(), epoch: z.number().int().positive() });
export const sweepTrialSchema = z.object({
  trial: z.number().int().nonnegative(),
  hparams: z.record(z.string(), z.number()),
  status: z.enum(['pending', 'running', 'ok', 'error', 'cancelled']),
  runId: z.string().optional(),
  runDir: z.string().optional(),
  epochsDone: z.number().int().nonnegative(),
  /** best value of the sweep's metric over the trial's epochs */
  metric: sweepScoreSchema.optional(),
  /** 1-based place in the Best-N table; null until the trial finished ok with a score */
  rank: z.number().int().positive().nullable(),
  durationMs: z.number().nonnegative().optional(),
  error: z.object({ message: z.string(), file: z.string().optional(), line: z.number().int().positive().optional() }).optional(),
});
export const sweepRecordSchema = z.object({
  version: z.literal(1),
  id: z.string().min(1),
  jobFile: z.string(),
  createdAt: z.string(),
  status: z.enum(['running', 'done', 'cancelled']),
  seed: z.number().int().nonnegative(),
  epochs: z.number().int().positive(),
  concurrency: z.number().int().positive(),
  /** what trials are compared by; null while no trial has logged a usable metric */
  metric: z.object({ name: z.string(), higherIsBetter: z.boolean() }).nullable(),
  requestedMetric: z.string().optional(),
  defaults: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
  space: z.record(z.string(), z.object({ min: z.number().positive(), max: z.number().positive(), scale: z.literal('log'), integer: z.boolean() })),
  trials: z.array(sweepTrialSchema),
});
export type SweepTrial = z.infer<typeof sweepTrialSchema>;
export type SweepRecord = z.infer<typeof sweepRecordSchema>;

export const sweepHostToWebviewSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('sweep'), sweep: sweepRecordSchema }),
]);
export type SweepHostToWebview = z.infer<typeof sweepHostToWebviewSchema>;
export const sweepWebviewToHostSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('open-run'), runId: z.string() }),
  /** overlay these runs (the top K in the panel's current order) in the dashboard */
  z.object({ type: z.literal('overlay'), runIds: z.array(z.string()).min(1) }),
  z.object({ type: z.literal('stop') }),
  z.object({ type: z.literal('error'), message: z.string() }),
]);
export type SweepWebviewToHost = z.infer<typeof sweepWebviewToHostSchema>;
export const parseSweepRecord = (v: unknown): ParseResult<SweepRecord> => check(sweepRecordSchema, v);
export const parseSweepHostMessage = (v: unknown): ParseResult<SweepHostToWebview> => check(sweepHostToWebviewSchema, v);
export const parseSweepWebviewMessage = (v: unknown): ParseResult<SweepWebviewToHost> => check(sweepWebviewToHostSchema, v);
