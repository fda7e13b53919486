/** Schema parts every event kind shares (src/protocol/events.ts and the event files beside it). */
import * as z from 'zod';

export const finiteOrNull = z.number().nullable(); // JSON has no NaN/Inf: the runner writes null and flags it
export const sourceLocation = z.object({
  file: z.string(),
  line: z.number().int().positive(),
  column: z.number().int().nonnegative().optional(),
});
export type SourceLocation = z.infer<typeof sourceLocation>;

export const base = { runId: z.string().min(1), seq: z.number().int().nonnegative(), t: z.number().nonnegative() };
