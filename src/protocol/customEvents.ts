/**
 * Events of the custom series a job records with the toolkit's `log` / `logHistogram` (src/toolkit/customLog.ts):
 * `custom-scalar` (name, step, value) and `custom-histogram` (name, step, edges, counts, nonFinite).
 */
import * as z from 'zod';

const base = { runId: z.string().min(1), seq: z.number().int().nonnegative(), t: z.number().nonnegative() };

/** A name a job gives a custom series: printable, short (it becomes a chart title and an export tag). */
export const CUSTOM_NAME_MAX = 100;
/** Control characters (C0 and DEL) would break chart titles and CSV rows. */
export function hasControlChars(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}
const customName = z
  .string()
  .min(1)
  .max(CUSTOM_NAME_MAX)
  .refine(s => !hasControlChars(s), 'no control characters');

export const customScalarEvent = z.object({
  ...base,
  kind: z.literal('custom-scalar'),
  /** the name the job gave `log(name, value, step?)` */
  name: customName,
  step: z.number().int().nonnegative(),
  value: z.number().nullable(),
});

export const customHistogramEvent = z
  .object({
    ...base,
    kind: z.literal('custom-histogram'),
    /** the name the job gave `logHistogram(name, tensor, step?)` */
    name: customName,
    step: z.number().int().nonnegative(),
    edges: z.array(z.number()),
    counts: z.array(z.number().nonnegative()),
    nonFinite: z.number().int().nonnegative(),
  })
  .refine(e => e.edges.length === e.counts.length + 1, { message: 'edges must have one more entry than counts' });

export type CustomScalarEvent = z.infer<typeof customScalarEvent>;
export type CustomHistogramEvent = z.infer<typeof customHistogramEvent>;
