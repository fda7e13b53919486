/**
 * tensor-leak: the number of live tensors grows step after step. tfjs frees a tensor only on dispose() or at the
 * end of a tf.tidy(); a job that makes tensors in its training loop or callbacks without either holds a little more
 * memory every step until the process runs out (the TensorFlow.js guide, "Memory management"). Reads the runner's
 * memory events: over the last WINDOW steps of one fit, the count never fell and rose by at least MIN_PER_STEP per
 * step. Points at the line that made the surviving tensors when the runner caught it, else at fit(.
 */
import type { RunEvent, Finding, SourceLocation, MemoryEvent } from '../protocol';

/** steps of steady growth before the finding (a leak is reported within ~WINDOW + a few steps of its start) */
export const LEAK_WINDOW = 20;
/** tensors gained per step on average across the window */
export const LEAK_MIN_PER_STEP = 1;

const RULE =
  'TensorFlow.js guide, "Memory management": tensors live until dispose() or the end of tf.tidy(); ' +
  `a count that grows every step (≥ ${LEAK_MIN_PER_STEP} per step over ${LEAK_WINDOW} steps, never falling) is a leak`;

export class LeakWatch {
  private samples: MemoryEvent[] = [];
  private fitLocation: SourceLocation | undefined;
  private site: MemoryEvent['site'];

  observe(e: RunEvent): Finding | undefined {
    if (e.kind === 'fit-start') {
      this.samples = [];
      this.fitLocation = e.location;
      return undefined;
    }
    if (e.kind !== 'memory') return undefined;
    if (e.site) this.site = e.site;
    const last = this.samples.at(-1);
    if (last && e.step <= last.step) this.samples.pop(); // the fit's closing sample repeats its last step
    this.samples.push(e);
    // a fall restarts the window: what is held is being freed
    const prev = this.samples.at(-2);
    if (prev && e.tensors < prev.tensors) this.samples = [e];
    const first = this.samples[0];
    const span = e.step - first.step;
    if (span < LEAK_WINDOW) return undefined;
    // samples come only when the count changes: the count at the window's start is the last sample at or before it
    const from = [...this.samples].reverse().find(s => s.step <= e.step - LEAK_WINDOW);
    if (!from) return undefined;
    const perStep = (e.tensors - from.tensors) / (e.step - from.step);
    if (perStep < LEAK_MIN_PER_STEP) return undefined;
    return this.finding(from, e, perStep);
  }

  private finding(from: MemoryEvent, to: MemoryEvent, perStep: number): Finding {
    const where = this.site ?? this.fitLocation;
    const bytesPerStep = (to.bytes - from.bytes) / Math.max(1, to.step - from.step);
    const at = this.site ? `: the tensors that outlive a step are made at line ${this.site.line}` : '';
    return {
      code: 'tensor-leak',
      severity: 'warning',
      source: 'runtime',
      message:
        `Live tensors grow by ${perStep.toFixed(1)} per step (${from.tensors} → ${to.tensors} from step ${from.step} to ${to.step}, ` +
        `+${formatBytes(bytesPerStep)} per step)${at}. Tensors made in a training loop or callback stay in memory until disposed.`,
      file: where?.file,
      range: where
        ? { start: { file: where.file, line: where.line, ...(where.column ? { column: where.column } : {}) } }
        : undefined,
      step: from.step,
      evidence: {
        tensorsPerStep: Number(perStep.toFixed(2)),
        bytesPerStep: Math.round(bytesPerStep),
        tensorsFrom: from.tensors,
        tensorsTo: to.tensors,
        fromStep: from.step,
        toStep: to.step,
        threshold: LEAK_MIN_PER_STEP,
        window: LEAK_WINDOW,
        site: this.site
          ? `${this.site.file}:${this.site.line} (${this.site.count} live tensors from one step)`
          : 'not caught (pointing at fit)',
      },
      rule: RULE,
      held: { fromStep: from.step, toStep: to.step },
      advice: [
        'Wrap per-step tensor work in tf.tidy(() => …) so its intermediates are freed when it returns.',
        'dispose() tensors you create yourself once you have read them (await t.data(), then t.dispose()).',
        'Keep numbers, not tensors, in arrays that grow across steps (read the value with dataSync()/data()).',
      ],
    };
  }
}

function formatBytes(n: number): string {
  const a = Math.abs(n);
  return a >= 1 << 20
    ? `${(n / (1 << 20)).toFixed(1)} MB`
    : a >= 1024
      ? `${(n / 1024).toFixed(1)} kB`
      : `${Math.round(n)} B`;
}
