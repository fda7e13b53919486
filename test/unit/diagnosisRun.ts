/** Hand-made event sequences for the diagnosis engine's unit tests: a model, its steps, probes and epochs. */
import assert from 'node:assert/strict';
import { DiagnosisEngine, diagnose } from '../../src/detectors/engine';
import { RULE_SOURCES } from '../../src/detectors/settings';
import type { RunEvent, Finding, LayerSummary, EventBody } from '../../src/protocol';

export const FILE = '/jobs/model.ts';
export const loc = (line: number) => ({ file: FILE, line });

export function dense(name: string, line: number, activation: string, opts: Partial<LayerSummary> = {}): LayerSummary {
  return {
    name,
    className: 'Dense',
    activation,
    initializer: activation === 'relu' ? 'heNormal' : 'glorotUniform',
    units: 8,
    params: 72,
    location: loc(line),
    ...opts,
  };
}

export const MLP = [dense('d1', 3, 'relu'), dense('d2', 4, 'relu'), dense('out', 5, 'softmax', { units: 4 })];

/** Builds a run's events; `stepsPerEpoch` batches make an epoch. */
export class Run {
  readonly events: RunEvent[] = [];
  step = 0;
  epoch = 0;
  readonly lr: number;
  constructor(
    readonly layers: LayerSummary[] = MLP,
    opts: {
      epochs?: number;
      stepsPerEpoch?: number;
      loss?: string;
      optimizer?: string;
      lr?: number;
      batchSize?: number;
      validationSamples?: number;
    } = {},
  ) {
    this.lr = opts.lr ?? 0.01;
    this.push({
      kind: 'fit-start',
      fitIndex: 0,
      method: 'fit',
      epochs: opts.epochs ?? 20,
      stepsPerEpoch: opts.stepsPerEpoch ?? 10,
      batchSize: opts.batchSize ?? 32,
      ...(opts.validationSamples ? { validationSamples: opts.validationSamples } : {}),
      optimizer: opts.optimizer ?? 'SGD',
      loss: opts.loss ?? 'categoricalCrossentropy',
      layers,
      totalParams: 1000,
      location: loc(8),
      compileLocation: loc(7),
      variables: Object.fromEntries(
        layers.flatMap(l => [
          [`${l.name}/kernel`, 64],
          [`${l.name}/bias`, 8],
        ]),
      ),
    });
  }
  push(body: EventBody): this {
    this.events.push({ ...body, runId: 'r', seq: this.events.length, t: this.events.length } as RunEvent);
    return this;
  }
  batch(loss: number | null, acc = 0.25): this {
    return this.push({
      kind: 'batch',
      step: this.step,
      epoch: this.epoch,
      batch: 0,
      loss,
      metrics: { acc },
      lr: this.lr,
    });
  }
  /** kernel gradient norms by layer name (biases get the same) */
  grads(norms: Record<string, number | null>): this {
    const variables = Object.fromEntries(
      Object.entries(norms).flatMap(([l, v]) => [
        [`${l}/kernel`, v],
        [`${l}/bias`, v],
      ]),
    );
    this.push({ kind: 'grad-norms', step: this.step, variables, layers: norms });
    this.step++;
    return this;
  }
  /** one training step: batch + gradient norms */
  train(norms: Record<string, number | null>, loss: number | null = 1.4, acc = 0.25): this {
    return this.batch(loss, acc).grads(norms);
  }
  dead(layer: string, dead: number, total = 100, window = 20): this {
    return this.push({ kind: 'dead-units', step: this.step - 1, window, layers: [{ layer, dead, total }] });
  }
  acts(
    layers: Array<{ layer: string; activation: string; saturated: number | null }>,
    input = { mean: 0, std: 1, min: -3, max: 3 },
  ): this {
    return this.push({
      kind: 'activation-stats',
      step: Math.max(0, this.step - 1),
      layers: layers.map(l => ({ ...l, mean: 0, std: 1, min: 0, max: 1, zero: 0 })),
      input,
    });
  }
  /** `endLoss`: the training loss at the epoch's end weights (src/probes/endLoss.ts), when the runner measured it */
  endEpoch(logs: Record<string, number | null>, endLoss?: number): this {
    this.push({
      kind: 'epoch',
      epoch: this.epoch,
      step: Math.max(0, this.step - 1),
      logs,
      ...(endLoss === undefined ? {} : { endLoss: { loss: endLoss, samples: 512 } }),
    });
    this.epoch++;
    return this;
  }
  /** whole epochs from per-epoch logs (each epoch: one healthy step, then the epoch's logs) */
  epochs(logs: Array<Record<string, number | null>>, endLosses?: number[]): this {
    for (const [i, l] of logs.entries())
      this.train({ d1: 0.5, d2: 0.5, out: 0.5 }, l.loss ?? 1, (l.acc as number | undefined) ?? 0.25).endEpoch(
        l,
        endLosses?.[i],
      );
    return this;
  }
  /** the runtime findings (the guideline check of the model at fit start adds static ones: guidelines-modelcheck.test.ts) */
  diagnose(settings = {}): Finding[] {
    return diagnose(this.events, settings).filter(f => f.source === 'runtime');
  }
  engine(settings = {}): DiagnosisEngine {
    const e = new DiagnosisEngine(settings);
    this.events.forEach(x => e.observe(x));
    e.finish();
    return e;
  }
}

/** code@layer of the runtime findings (the fit-start guideline check's static ones are tested in guidelines-modelcheck.test.ts) */
export const codes = (fs: Finding[]) =>
  fs.filter(f => f.source === 'runtime').map(f => `${f.code}${f.layer ? '@' + f.layer : ''}`);

export function assertComplete(f: Finding): void {
  assert.equal(f.source, 'runtime', `${f.code}: a runtime finding`);
  assert.match(f.message, /\d/, `${f.code}: the message states what was measured: ${f.message}`);
  if (f.layer) assert.ok(f.message.includes(f.layer), `${f.code}: the message names layer ${f.layer}: ${f.message}`);
  assert.ok(
    Object.values(f.evidence).some(v => typeof v === 'number'),
    'measured values',
  );
  assert.ok(
    Object.keys(f.evidence).some(k => /threshold/i.test(k)),
    'the threshold it was held against',
  );
  assert.ok(
    (Object.values(RULE_SOURCES) as string[]).includes(f.rule),
    `${f.code}: cites one of the published sources of RULE_SOURCES, not "${f.rule}"`,
  );
  assert.ok(f.held, `${f.code}: the steps it held over`);
  assert.ok(f.held.fromStep <= f.held.toStep, `${f.code}: held from ${f.held.fromStep} to ${f.held.toStep}`);
  assert.ok((f.advice?.length ?? 0) >= 1, `${f.code}: at least one remedy in its advice`);
  assert.equal(f.range?.start.file, FILE, `${f.code}: placed in the job file`);
}
