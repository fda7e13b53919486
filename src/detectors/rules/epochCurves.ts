/**
 * The epoch curves the curve rules read (rules/curves.ts), kept up to date one epoch at a time. The rules run at
 * every epoch; re-walking all epochs so far each time made a long run quadratic (a TensorBoard logdir that logs a
 * validation tag every step has as many epochs as steps). Every figure here is the very number the whole-array
 * expression it replaces gives (named next to it), NaN and -0 included: Math.min/Math.max folded one value at a time
 * equal them spread over the array, and a local extremum or a spike depends only on its two neighbours.
 */
import { accuracyOf, type EpochRecord, type RunContext } from '../context';
import type { DiagnosisSettings } from '../settings';
import { accuracyNoise, spikes } from './curveMath';

type Value = number | null | undefined;

/** A curve and its prefix minima, while all its values are numbers (the rules read nothing else). */
class Curve {
  readonly xs: Value[] = [];
  numbers = true;
  /** min[i] = Math.min(...xs.slice(0, i + 1)) */
  readonly min: number[] = [];
  /** at[i] = xs.indexOf(min[i]) (-1 when min[i] is NaN) */
  readonly at: number[] = [];

  push(x: Value): void {
    this.xs.push(x);
    if (typeof x !== 'number') this.numbers = false;
    if (!this.numbers || typeof x !== 'number') return;
    const i = this.xs.length - 1;
    const prev = i > 0 ? this.min[i - 1] : Infinity;
    const min = Math.min(prev, x);
    this.min.push(min);
    this.at.push(Number.isNaN(min) ? -1 : i > 0 && min === prev ? this.at[i - 1] : i);
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b),
    m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export class EpochCurves {
  private of: EpochRecord[] | undefined;
  private samples: number | null = null;
  loss = new Curve();
  val = new Curve();
  /** the validation loss's running median of 3: med[i] = median(val.slice(max(0, i - 2), i + 1)) */
  med = new Curve();
  /** the training loss at each epoch's end weights (not numbers when any epoch lacks it), and its running median */
  end = new Curve();
  endMed = new Curve();
  /** spikes(val, s.noisyValidationSwing), and the largest of their sizes */
  valSpikes: Array<{ epoch: number; size: number }> = [];
  largestSpike = -Infinity;
  /** = valSpikes.map(x => x.epoch + 1).join(', '), for the message */
  spikeEpochs = '';
  acc = new Curve();
  /** Math.max(...gains) and gains.every(g => g >= 0), gains[i] = acc[i + 1] - acc[i] */
  maxGain = -Infinity;
  gainsRise = true;
  /** the training accuracy's local extrema (peakTroughPairs), the pairs' largest swing and the big swings' count */
  private extrema: number[] = [];
  maxSwing = -Infinity;
  bigSwings = 0;

  /** The curves of the current fit's epochs so far. */
  sync(c: RunContext, s: DiagnosisSettings): this {
    const samples = c.fit?.stepsPerEpoch && c.fit.batchSize ? c.fit.stepsPerEpoch * c.fit.batchSize : null;
    if (this.of !== c.epochs || samples !== this.samples || this.loss.xs.length > c.epochs.length)
      this.reset(c.epochs, samples);
    for (let i = this.loss.xs.length; i < c.epochs.length; i++) this.add(c.epochs[i], s);
    return this;
  }

  private reset(of: EpochRecord[], samples: number | null): void {
    this.of = of;
    this.samples = samples;
    this.loss = new Curve();
    this.val = new Curve();
    this.med = new Curve();
    this.end = new Curve();
    this.endMed = new Curve();
    this.valSpikes = [];
    this.largestSpike = -Infinity;
    this.spikeEpochs = '';
    this.acc = new Curve();
    this.maxGain = -Infinity;
    this.gainsRise = true;
    this.extrema = [];
    this.maxSwing = -Infinity;
    this.bigSwings = 0;
  }

  private add(record: EpochRecord, s: DiagnosisSettings): void {
    const logs = record.logs;
    this.loss.push(logs.loss);
    this.end.push(record.endLoss);
    if (this.end.numbers) {
      const e = this.end.xs as number[];
      this.endMed.push(median(e.slice(Math.max(0, e.length - 3))));
    }
    const val = this.val;
    val.push(logs.val_loss);
    const n = val.xs.length;
    if (val.numbers) {
      const v = val.xs as number[];
      this.med.push(median(v.slice(Math.max(0, n - 3), n)));
      // the epoch before this one is a spike or not now that both its neighbours are known
      if (n >= 3) {
        const [spike] = spikes(v.slice(n - 3), s.noisyValidationSwing);
        if (spike) {
          this.valSpikes.push({ epoch: n - 2, size: spike.size });
          this.largestSpike = Math.max(this.largestSpike, spike.size);
          this.spikeEpochs += `${this.valSpikes.length > 1 ? ', ' : ''}${n - 1}`;
        }
      }
    }
    const acc = this.acc;
    acc.push(accuracyOf(logs));
    if (!acc.numbers) return;
    const a = acc.xs as number[];
    if (n >= 2) {
      const gain = a[n - 1] - a[n - 2];
      this.maxGain = Math.max(this.maxGain, gain);
      if (!(gain >= 0)) this.gainsRise = false;
    }
    if (n >= 3) {
      const [p, x, q] = a.slice(n - 3);
      if ((x > p && x >= q) || (x < p && x <= q)) {
        this.extrema.push(x);
        const k = this.extrema.length;
        if (k >= 2) {
          const prev = this.extrema[k - 2];
          const swing = Math.abs(prev - x);
          this.maxSwing = Math.max(this.maxSwing, swing);
          if (swing >= Math.max(s.oscillationSwing, accuracyNoise(prev, x, this.samples, s.oscillationNoiseZ)))
            this.bigSwings++;
        }
      }
    }
  }
}
