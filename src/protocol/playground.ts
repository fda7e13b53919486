/**
 * The "Compare Optimizers" playground: what crosses its two boundaries, validated with zod on both sides.
 * - host <-> playground child process (src/playground/child.ts): a request in, a result out;
 * - host <-> playground webview: the host owns the controls' state and the last result, and replays them on `ready`.
 */
import * as z from 'zod';
import type { ParseResult } from './events';

export const OPTIMIZER_IDS = ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam', 'adamax', 'nadam'] as const;
export type OptimizerId = (typeof OPTIMIZER_IDS)[number];
export const optimizerIdSchema = z.enum(OPTIMIZER_IDS);

export const SURFACE_IDS = ['ravine', 'saddle', 'rosenbrock'] as const;
export type SurfaceId = (typeof SURFACE_IDS)[number];
export const surfaceIdSchema = z.enum(SURFACE_IDS);
export const SURFACE_LABELS: Record<SurfaceId, string> = {
  ravine: 'Ravine',
  saddle: 'Saddle point',
  rosenbrock: 'Rosenbrock',
};
export const OPTIMIZER_LABELS: Record<OptimizerId, string> = {
  sgd: 'SGD',
  momentum: 'Momentum',
  nesterov: 'NAG',
  adagrad: 'AdaGrad',
  rmsprop: 'RMSProp',
  adam: 'Adam',
  adamax: 'AdaMax',
  nadam: 'Nadam',
};

/** Bounds of the controls (the host clamps nothing: out-of-range requests are rejected). */
export const PLAYGROUND_LIMITS = { minSteps: 1, maxSteps: 2000, minLrScale: 0.01, maxLrScale: 100 } as const;
export const DEFAULT_PLAYGROUND_REQUEST: PlaygroundRequest = { surface: 'ravine', steps: 200, lrScale: 1 };

const finite = z.number().finite();
const point = z.object({ x: finite, y: finite });

export const playgroundRequestSchema = z.object({
  surface: surfaceIdSchema,
  steps: z.number().int().min(PLAYGROUND_LIMITS.minSteps).max(PLAYGROUND_LIMITS.maxSteps),
  /** multiplies every optimizer's learning rate (its per-surface default, or its override) */
  lrScale: finite.min(PLAYGROUND_LIMITS.minLrScale).max(PLAYGROUND_LIMITS.maxLrScale),
  /** per-optimizer base learning rates replacing the surface's defaults */
  lr: z.partialRecord(optimizerIdSchema, finite.positive().max(1e3)).optional(),
});
export type PlaygroundRequest = z.infer<typeof playgroundRequestSchema>;

export const surfaceInfoSchema = z.object({
  id: surfaceIdSchema,
  label: z.string(),
  /** the formula as text, e.g. "f(x, y) = x²/20 + y²" */
  formula: z.string(),
  x: z.tuple([finite, finite]),
  y: z.tuple([finite, finite]),
  minimum: point.extend({ f: finite }),
  start: point,
  /** a path has converged once |f − f*| < tol */
  tol: finite.positive(),
});
export type SurfaceInfo = z.infer<typeof surfaceInfoSchema>;

/** f sampled on a regular grid over the surface's range: row j is y = y0 + j·dy, column i is x = x0 + i·dx. */
export const surfaceGridSchema = z
  .object({
    nx: z.number().int().min(2),
    ny: z.number().int().min(2),
    values: z.array(finite),
    /** contour levels, ascending */
    levels: z.array(finite),
  })
  .refine(g => g.values.length === g.nx * g.ny, { message: 'values must hold nx·ny numbers' });
export type SurfaceGrid = z.infer<typeof surfaceGridSchema>;

export const optimizerPathSchema = z.object({
  optimizer: optimizerIdSchema,
  label: z.string(),
  /** the learning rate used (base × scale) */
  lr: finite.positive(),
  /** start point first, then the point after each step; only finite points inside the divergence bound */
  points: z.array(point.extend({ f: finite })),
  /** the step at which the path left the bound or became non-finite (the path is cut there) */
  divergedAt: z.number().int().nonnegative().nullable(),
  /** first step with |f − f*| < tol, null when never reached */
  convergedAt: z.number().int().nonnegative().nullable(),
});
export type OptimizerPath = z.infer<typeof optimizerPathSchema>;

export const playgroundResultSchema = z.object({
  request: playgroundRequestSchema,
  surface: surfaceInfoSchema,
  grid: surfaceGridSchema,
  paths: z.array(optimizerPathSchema),
  /** tfjs backend the paths were computed on */
  backend: z.string(),
  computeMs: finite.nonnegative(),
});
export type PlaygroundResult = z.infer<typeof playgroundResultSchema>;

/** host -> child */
export const playgroundJobSchema = z.object({
  type: z.literal('compute'),
  id: z.number().int(),
  request: playgroundRequestSchema,
});
export type PlaygroundJob = z.infer<typeof playgroundJobSchema>;
/** child -> host */
export const playgroundReplySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('result'), id: z.number().int(), result: playgroundResultSchema }),
  z.object({ type: z.literal('failed'), id: z.number().int(), message: z.string() }),
]);
export type PlaygroundReply = z.infer<typeof playgroundReplySchema>;

export const hostToPlaygroundSchema = z.discriminatedUnion('type', [
  /** the controls as the host holds them, and the result for them (null while the first one is computed) */
  z.object({ type: z.literal('state'), request: playgroundRequestSchema, result: playgroundResultSchema.nullable() }),
  z.object({ type: z.literal('computing'), request: playgroundRequestSchema }),
  z.object({ type: z.literal('failed'), request: playgroundRequestSchema, message: z.string() }),
]);
export type HostToPlayground = z.infer<typeof hostToPlaygroundSchema>;

export const playgroundToHostSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('request'), request: playgroundRequestSchema }),
  z.object({ type: z.literal('error'), message: z.string() }),
]);
export type PlaygroundToHost = z.infer<typeof playgroundToHostSchema>;

function check<T>(schema: z.ZodType<T>, value: unknown): ParseResult<T> {
  const r = schema.safeParse(value);
  if (r.success) return { ok: true, value: r.data };
  const issue = r.error.issues[0];
  return { ok: false, reason: `${issue.path.join('.') || 'message'}: ${issue.message}` };
}

export const parsePlaygroundRequest = (v: unknown): ParseResult<PlaygroundRequest> => check(playgroundRequestSchema, v);
export const parsePlaygroundJob = (v: unknown): ParseResult<PlaygroundJob> => check(playgroundJobSchema, v);
export const parsePlaygroundReply = (v: unknown): ParseResult<PlaygroundReply> => check(playgroundReplySchema, v);
export const parseHostToPlayground = (v: unknown): ParseResult<HostToPlayground> => check(hostToPlaygroundSchema, v);
export const parsePlaygroundToHost = (v: unknown): ParseResult<PlaygroundToHost> => check(playgroundToHostSchema, v);
