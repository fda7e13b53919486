/**
 * Which steps take the readings of gradient norms and dead units. On tensorflow gradient norms cost a fixed handful
 * of kernel calls per step (one per variable and a download), whatever the step's size: 0.2–1 ms, which is 5–15% of a
 * 3–8 ms step; on wasm and cpu they are summed in place (microseconds on a small net: normReducer.ts); dead units are
 * a pass over every ReLU output. The schedule measures what the probes cost against the step's own time
 * and spaces the readings so that the probes take at most `budget` (DEFAULT_BUDGET) of training time, never more than
 * MAX_SPACING steps apart. It always reads:
 * - every step when `everyStep` is set;
 * - the first FIT_START steps of a model's first fit and the first EPOCH_START steps of each epoch (a later fit of the
 *   same model starts an epoch);
 * - every step for ALARM_STEPS steps after something looked wrong: a non-finite loss, a loss jump (above LOSS_JUMP
 *   times the median of the recent losses, by at least LOSS_JUMP_FLOOR of the model's first loss), a non-finite
 *   gradient norm.
 * A dead unit's window stays deadReluWindow steps long: with spaced readings, a unit is dead when it is 0 for every
 * sample of the steps read in it (at least 4 of every 20).
 */

export interface ScheduleSettings {
  /** read every step (no spacing) */
  everyStep: boolean;
  /** share of training time the probes may take before readings are spaced */
  budget: number;
  activationEvery: number;
  histogramEvery: number;
}

/**
 * Share of training time the probes' measured time may take. Their whole cost is higher (tfjs' callback machinery, the
 * tape records of the layer taps, garbage collection): at 4% measured, the readings cost about 6%.
 */
export const DEFAULT_BUDGET = 0.04;
export const FIT_START = 3;
export const EPOCH_START = 2;
export const ALARM_STEPS = 20;
export const MAX_SPACING = 5;
export const LOSS_JUMP = 2;
/**
 * A jump must also rise by this share of the model's first loss. Far below where it started (a training set learnt
 * by heart: 0.002 -> 0.005) a doubling is batch noise, and an alarm per such step kept converged runs reading every
 * step: 50% of the steps instead of 30% on a 20-step fit.
 */
export const LOSS_JUMP_FLOOR = 0.1;
/** losses the jump is measured against */
const RECENT = 9;
/** samples the costs are the medians of (a median shrugs off garbage-collection pauses) */
const WINDOW = 15;

/** the median of the last WINDOW samples */
class RecentMedian {
  private readonly samples: number[] = [];
  add(x: number): void {
    this.samples.push(x);
    if (this.samples.length > WINDOW) this.samples.shift();
  }
  get count(): number {
    return this.samples.length;
  }
  get value(): number | undefined {
    return this.samples.length ? median(this.samples) : undefined;
  }
}

export class ProbeSchedule {
  private running: number;
  private reading = true;
  private lastRead: number;
  private fitStart: number;
  private epochStart: number;
  private alarmUntil = -1;
  private recent: number[] = [];
  /** the model's first finite loss (kept from one fit to the next): the scale a jump is measured on */
  private firstLoss: number | undefined;
  private charged = 0;
  /** probe time measured on reading steps and on the others */
  private readonly readCost = new RecentMedian();
  private readonly baseCost = new RecentMedian();
  /** whole step cycles (the step, then its probes) with and without a reading */
  private readonly readCycle = new RecentMedian();
  private readonly plainCycle = new RecentMedian();
  /** steps between readings, as last decided */
  spacing = 1;
  /** readings taken and steps run (for the run log's note and the tests) */
  readings = 0;
  steps = 0;

  constructor(
    private readonly settings: ScheduleSettings,
    firstStep: number,
  ) {
    this.running = this.fitStart = this.epochStart = this.lastRead = firstStep;
  }

  /**
   * Another fit of the same model starts at `firstStep`. It is read as an epoch's start (EPOCH_START steps), not a
   * model's (FIT_START): the model and what its readings cost are known already, and a job that calls fit in a loop
   * of short fits would otherwise read a fifth of its steps on fit starts alone. What readings cost is kept (such a
   * job would otherwise never measure it).
   */
  beginFit(firstStep: number): void {
    this.running = this.epochStart = this.lastRead = firstStep;
    this.reading = true;
    this.charged = 0;
    this.recent = [];
  }

  /** whether the step now running takes the readings */
  get reads(): boolean {
    return this.reading;
  }

  /**
   * time a probe spent inside the running step (the gradient norms computed in the optimizer's wrapper, layer outputs
   * read during the forward pass)
   */
  charge(ms: number): void {
    this.charged += ms;
  }

  epochBegin(step: number): void {
    this.epochStart = step;
    if (step === this.running) this.reading = this.decide(step);
  }

  /** something looks wrong at `step`: read every step for a while */
  alarm(step: number): void {
    this.alarmUntil = Math.max(this.alarmUntil, step + ALARM_STEPS);
  }

  /** the loss of the step that just ended (before its probes are read) */
  loss(step: number, loss: number): void {
    if (!Number.isFinite(loss)) {
      this.alarm(step);
      return;
    }
    this.firstLoss ??= Math.abs(loss);
    const typical = this.recent.length >= 5 ? median(this.recent) : undefined;
    if (typical !== undefined && loss > LOSS_JUMP * typical && loss - typical >= LOSS_JUMP_FLOOR * this.firstLoss)
      this.alarm(step);
    this.recent.push(loss);
    if (this.recent.length > RECENT) this.recent.shift();
  }

  /**
   * The step ended and its probes were read: `stepMs` is its wall time from the end of the previous step's probes,
   * `probeMs` the time its probes took after it. Decides whether the next step reads.
   */
  next(step: number, stepMs: number, probeMs: number): void {
    const read = this.reading;
    this.steps++;
    if (read) this.readings++;
    // the first step of a fit is mostly kernel set-up, an epoch's first follows its validation; steps other probes
    // were due on are not gradient readings
    if (step !== this.fitStart && step !== this.epochStart && !this.due(step)) {
      (read ? this.readCost : this.baseCost).add(probeMs + this.charged);
      (read ? this.readCycle : this.plainCycle).add(stepMs + probeMs);
    }
    this.charged = 0;
    if (read) this.lastRead = step;
    this.spacing = this.measuredSpacing();
    this.running = step + 1;
    this.reading = this.decide(step + 1);
  }

  /**
   * Steps between readings that keep the probes within budget: base + extra / spacing <= budget * step, where base is
   * the probes' time on every step, extra what a reading adds (its probes' own time, or the longer step cycle when a
   * reading costs more than that: tape records, garbage collection) and step the step's own time (a reading step's
   * cycle less its probes: reading steps are never scarce, so this follows the machine's load).
   */
  private measuredSpacing(): number {
    const read = this.readCost.value,
      readCycle = this.readCycle.value;
    if (this.settings.everyStep || read === undefined || readCycle === undefined) return 1;
    const step = readCycle - read;
    const budget = this.settings.budget * step;
    // too few steps without readings to know what they cost: judge readings alone (a spacing of 2 makes some)
    if (this.baseCost.count < 3) return read <= budget ? 1 : 2;
    const base = this.baseCost.value!;
    const cycle = this.plainCycle.value;
    const extra = Math.max(read - base, cycle === undefined ? 0 : readCycle - cycle);
    if (extra <= 0) return 1;
    const room = budget - base;
    if (room <= 0) return MAX_SPACING;
    return Math.min(MAX_SPACING, Math.max(1, Math.ceil(extra / room)));
  }

  private due(step: number): boolean {
    const { activationEvery: a, histogramEvery: h } = this.settings;
    return (a > 0 && step % a === 0) || (h > 0 && step % h === 0);
  }

  private decide(step: number): boolean {
    return (
      this.settings.everyStep ||
      step - this.fitStart < FIT_START ||
      step - this.epochStart < EPOCH_START ||
      step <= this.alarmUntil ||
      step - this.lastRead >= this.spacing
    );
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
