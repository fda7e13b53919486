/**
 * The Output channel's epoch lines, at most one a second per run. A tiny net finishes tens of epochs a second, and a
 * line each would scroll the channel past reading and keep the Output view redrawing; every epoch stays in the
 * dashboard and in the run log. The last epoch not printed is given at the run's end.
 */
export interface EpochLine<T> {
  event: T;
  /** epochs before this one that got no line of their own */
  skipped: number;
}

export class EpochLinePacer<T> {
  private lastAt = Number.NEGATIVE_INFINITY;
  private held: T | undefined;
  private skipped = 0;

  constructor(private readonly minGapMs = 1000) {}

  /** The line to print for this epoch now, or undefined (it is held: a later line or `end()` accounts for it). */
  next(event: T, now: number): EpochLine<T> | undefined {
    if (now - this.lastAt < this.minGapMs) {
      if (this.held !== undefined) this.skipped++;
      this.held = event;
      return undefined;
    }
    const line = { event, skipped: this.skipped + (this.held !== undefined ? 1 : 0) };
    this.lastAt = now;
    this.held = undefined;
    this.skipped = 0;
    return line;
  }

  /** At the run's end: the last epoch that got no line, if any. */
  end(): EpochLine<T> | undefined {
    if (this.held === undefined) return undefined;
    const line = { event: this.held, skipped: this.skipped };
    this.held = undefined;
    this.skipped = 0;
    return line;
  }
}
