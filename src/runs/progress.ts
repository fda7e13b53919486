/** Live progress of a run (status bar, CLI progress bar): epoch/step, latest loss, ETA from the recent step rate. */
import type { RunEvent } from '../protocol';

export interface Progress {
  epoch: number; // 1-based, current
  epochs: number | null;
  step: number; // steps done
  totalSteps: number | null;
  loss: number | null | undefined;
  etaMs: number | null;
}

export class ProgressTracker {
  private epochs: number | null = null;
  private stepsPerEpoch: number | null = null;
  private fitStartStep = 0;
  private epoch = 0;
  private step = 0;
  private loss: number | null | undefined;
  private readonly recent: number[] = []; // event times (ms) of the last batches

  update(e: RunEvent): void {
    switch (e.kind) {
      case 'fit-start':
        this.epochs = e.epochs;
        this.stepsPerEpoch = e.stepsPerEpoch;
        this.fitStartStep = this.step;
        this.recent.length = 0;
        break;
      case 'batch':
        this.step = e.step + 1;
        this.epoch = e.epoch;
        this.loss = e.loss;
        this.recent.push(e.t);
        if (this.recent.length > 30) this.recent.shift();
        break;
      case 'epoch':
        // fitDataset without batchesPerEpoch: learn the epoch length from the first epoch.
        if (this.stepsPerEpoch == null && e.epoch === 0) this.stepsPerEpoch = this.step - this.fitStartStep;
        this.epoch = e.epoch + 1;
        break;
    }
  }

  get current(): Progress {
    const totalSteps =
      this.epochs != null && this.stepsPerEpoch != null ? this.fitStartStep + this.epochs * this.stepsPerEpoch : null;
    let etaMs: number | null = null;
    if (totalSteps != null && this.recent.length >= 2) {
      const msPerStep = (this.recent[this.recent.length - 1] - this.recent[0]) / (this.recent.length - 1);
      etaMs = Math.max(0, totalSteps - this.step) * msPerStep;
    }
    const epochs = this.epochs;
    return {
      epoch: epochs != null ? Math.min(this.epoch + 1, epochs) : this.epoch + 1,
      epochs,
      step: this.step,
      totalSteps,
      loss: this.loss,
      etaMs,
    };
  }
}
