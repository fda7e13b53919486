/**
 * Host <-> dashboard webview messages. The host owns run state; the webview asks for a replay with `ready`.
 * Both directions are validated at runtime (a webview is a separate, less trusted context).
 */
import * as z from 'zod';
import { runEventSchema, type RunEvent, type ParseResult } from './events';
import type { BatchColumns, GradNormsColumns, HistogramColumns } from './history';
import { checkHistory } from './historyCheck';

/** A run's history in columns (see history.ts): typed arrays checked in one pass, the other events by their schema. */
export const historyChunkSchema = z
  .object({
    batch: z.custom<BatchColumns | null>(),
    gradNorms: z.custom<GradNormsColumns | null>(),
    histogram: z.custom<HistogramColumns | null>(),
    events: z.array(runEventSchema),
  })
  .superRefine((h, ctx) => {
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

export function check<T>(schema: z.ZodType<T>, value: unknown): ParseResult<T> {
  const r = schema.safeParse(value);
  if (r.success) return { ok: true, value: r.data };
  const issue = r.error.issues[0];
  return { ok: false, reason: `${issue.path.join('.') || 'message'}: ${issue.message}` };
}

export const parseHostMessage = (v: unknown): ParseResult<HostToWebview> => check(hostToWebviewSchema, v);
export const parseWebviewMessage = (v: unknown): ParseResult<WebviewToHost> => check(webviewToHostSchema, v);
export type { RunEvent };
