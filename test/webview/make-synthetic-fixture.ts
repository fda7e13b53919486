/**
 * Writes test/fixtures/runs/synthetic/events.ndjson: a deterministic, schema-valid stand-in for a recorded run
 * (MLP 784-128-64-32-10, 5 epochs x 60 steps). Run once: `node --import tsx test/webview/make-synthetic-fixture.ts`.
 * The webview test prefers test/fixtures/runs/recorded/events.ndjson when it exists.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { validateEvent, type EventBody, type RunEvent } from '../../src/protocol';

const runId = '20261123-173000-mnist-mlp';
const jobFile = '/workspace/examples/mnist-mlp.train.ts';
const epochs = 5;
const stepsPerEpoch = 60;
const steps = epochs * stepsPerEpoch;

let seed = 42;
function rand(): number {
  seed = (seed * 1664525 + 1013904223) >>> 0;
  return seed / 2 ** 32;
}
function gauss(): number {
  return Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
}

const layers = [
  { name: 'dense_Dense1', units: 128, inputs: 784, activation: 'relu', line: 12 },
  { name: 'dense_Dense2', units: 64, inputs: 128, activation: 'relu', line: 13 },
  { name: 'dense_Dense3', units: 32, inputs: 64, activation: 'relu', line: 14 },
  { name: 'dense_Dense4', units: 10, inputs: 32, activation: 'softmax', line: 15 },
];

const events: RunEvent[] = [];
let seq = 0;
let t = 0;
function emit(body: EventBody): void {
  const e = { ...body, runId, seq: seq++, t: Math.round(t) } as RunEvent;
  const v = validateEvent(e);
  if (!v.ok) throw new Error(`invalid synthetic event: ${v.reason}`);
  events.push(v.value);
}

const round = (x: number, d = 6): number => Number(x.toFixed(d));

emit({
  kind: 'run-start',
  jobFile,
  backend: 'wasm',
  backendNotes: ['tfjs-node not installed: using wasm (SIMD)'],
  startedAt: '2026-11-23T17:30:00.000Z',
  argv: { epochs },
});
t += 180;
emit({
  kind: 'fit-start',
  fitIndex: 0,
  method: 'fit',
  epochs,
  stepsPerEpoch,
  batchSize: 32,
  optimizer: 'adam',
  loss: 'categoricalCrossentropy',
  layers: layers.map(l => ({
    name: l.name,
    className: 'Dense',
    activation: l.activation,
    initializer: l.activation === 'relu' ? 'heNormal' : 'glorotUniform',
    units: l.units,
    params: l.inputs * l.units + l.units,
    outputShape: [null, l.units],
    location: { file: jobFile, line: l.line, column: 5 },
  })),
  totalParams: layers.reduce((s, l) => s + l.inputs * l.units + l.units, 0),
  location: { file: jobFile, line: 24, column: 7 },
});
emit({ kind: 'log', level: 'info', stream: 'stdout', text: 'loaded 12000 training images' });

const lrAt = (step: number): number => {
  const peak = 0.01;
  if (step < 30) return (peak * (step + 1)) / 30;
  const p = (step - 30) / (steps - 30);
  return 1e-4 + (peak - 1e-4) * 0.5 * (1 + Math.cos(Math.PI * p));
};

let epochLoss = 0;
let epochAcc = 0;
for (let step = 0; step < steps; step++) {
  const epoch = Math.floor(step / stepsPerEpoch);
  const batch = step % stepsPerEpoch;
  t += 16 + rand() * 3;
  const clean = 2.05 * Math.exp(-step / 70) + 0.22;
  const loss = Math.max(0.02, clean * (1 + 0.12 * gauss()));
  const acc = Math.min(1, Math.max(0, 1 - 0.9 * Math.exp(-step / 60) - 0.05 + 0.03 * gauss()));
  epochLoss += loss;
  epochAcc += acc;
  emit({
    kind: 'batch',
    step,
    epoch,
    batch,
    loss: round(loss),
    metrics: { acc: round(acc, 4) },
    lr: round(lrAt(step), 8),
  });

  const variables: Record<string, number> = {};
  const perLayer: Record<string, number> = {};
  layers.forEach((l, i) => {
    const depthScale = [0.09, 0.22, 0.5, 1.1][i];
    const decay = 0.3 + 0.7 * Math.exp(-step / 120);
    const k = depthScale * decay * Math.exp(0.25 * gauss());
    const b = k * 0.15 * Math.exp(0.2 * gauss());
    variables[`${l.name}/kernel`] = round(k, 7);
    variables[`${l.name}/bias`] = round(b, 7);
    perLayer[l.name] = round(Math.sqrt(k * k + b * b), 7);
  });
  emit({ kind: 'grad-norms', step, variables, layers: perLayer });

  if ((step + 1) % 20 === 0) {
    const f = step / steps;
    emit({
      kind: 'dead-units',
      step,
      window: 20,
      layers: layers
        .filter(l => l.activation === 'relu')
        .map((l, i) => ({
          layer: l.name,
          total: l.units,
          dead: Math.min(l.units, Math.round(l.units * ([0.02, 0.05, 0.08][i] + [0.12, 0.2, 0.3][i] * f) + rand() * 2)),
        })),
    });
  }
  if ((step + 1) % 100 === 0) {
    const edges = Array.from({ length: 11 }, (_, i) => round(-0.05 + i * 0.01, 4));
    emit({
      kind: 'histogram',
      step,
      of: 'grad',
      layer: 'dense_Dense1',
      variable: 'dense_Dense1/kernel',
      edges,
      counts: [3, 40, 400, 6000, 40000, 42000, 9000, 2500, 300, 57],
      nonFinite: 0,
    });
  }
  if (batch === stepsPerEpoch - 1) {
    const n = stepsPerEpoch;
    emit({
      kind: 'epoch',
      epoch,
      step,
      logs: {
        loss: round(epochLoss / n),
        acc: round(epochAcc / n, 4),
        val_loss: round((epochLoss / n) * 1.08 + 0.02 * epoch),
        val_acc: round(Math.max(0, epochAcc / n - 0.015 - 0.004 * epoch), 4),
      },
    });
    epochLoss = 0;
    epochAcc = 0;
  }
  if (step === 159) {
    emit({
      kind: 'finding',
      finding: {
        code: 'dead-relu',
        severity: 'warning',
        source: 'runtime',
        layer: 'dense_Dense3',
        message: 'dense_Dense3: 19% of ReLU units produced no positive output in the last 20 steps',
        file: jobFile,
        range: { start: { file: jobFile, line: 14, column: 5 } },
        step,
        evidence: { dead: 6, total: 32, window: 20 },
        rule: 'G7 dead ReLU: fraction of units with zero activation over a window',
      },
    });
  }
}
emit({ kind: 'run-end', status: 'ok', steps, durationMs: Math.round(t + 40) });

const out = path.resolve(import.meta.dirname, '..', 'fixtures', 'runs', 'synthetic', 'events.ndjson');
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, events.map(e => JSON.stringify(e)).join('\n') + '\n');
console.log(`wrote ${events.length} events to ${out}`);
