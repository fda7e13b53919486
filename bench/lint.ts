/**
 * `npm run bench:lint [-- --lines 2000 --runs 40]`: how long the guideline analysis takes on a generated model file
 * (sequential arrays, model.add chains, functional apply chains, consts, compile calls; almost every layer breaks
 * a guideline, so it is a worst case for the rules). Reports the median of a full analysis (parse + sketch +
 * rules) as the editor runs it on a change (findings without fix edits, which are built when the lightbulb asks),
 * the same with every fix edit built (what `training-lens lint --format json` does), an incremental
 * re-analysis after a one-character edit, and the code lenses. Target: full analysis of 2,000 lines <= 20 ms median.
 * Wall time is what the user waits; CPU time (process.cpuUsage) is printed beside it because on a shared,
 * oversubscribed machine the wall time mostly measures waiting for a core (the load average is printed too).
 */
import * as os from 'node:os';
import { analyzeText, DocumentAnalyses } from '../src/guidelines/lint';
import { lensesFor } from '../src/guidelines/lenses';
import { DEFAULT_LINT_SETTINGS } from '../src/guidelines/settings';
import { median } from './stats';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

const ACTS = ['relu', 'elu', 'tanh', 'sigmoid', 'selu'];
const INITS = ['heNormal', 'glorotUniform', 'leCunNormal', 'zeros'];

/** A model file of about `lines` lines; deterministic. */
export function generateModelFile(lines: number): string {
  const out = ["import * as tf from '@tensorflow/tfjs';", '', 'const RATE = 0.3;', 'const LR = 0.001;', ''];
  let i = 0;
  while (out.length < lines) {
    const act = ACTS[i % ACTS.length],
      init = INITS[i % INITS.length];
    switch (i % 3) {
      case 0: {
        // sequential with a multi-line layers array
        out.push(
          `export function sequential${i}(): tf.Sequential {`,
          '  const model = tf.sequential({',
          '    layers: [',
        );
        for (let k = 0; k < 6; k++) {
          out.push(
            '      tf.layers.dense({',
            `        units: ${64 >> (k % 4)},`,
            `        activation: '${ACTS[(i + k) % ACTS.length]}',`,
            `        kernelInitializer: '${INITS[(i + k) % INITS.length]}',`,
            ...(k === 0 ? ['        inputShape: [784],'] : []),
            '      }),',
            `      tf.layers.dropout({ rate: ${k % 2 ? 'RATE' : '0.6'} }),`,
          );
        }
        out.push(
          "      tf.layers.dense({ units: 10, activation: 'softmax' }),",
          '    ],',
          '  });',
          `  model.compile({ optimizer: tf.train.adagrad(LR), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });`,
          '  return model;',
          '}',
          '',
        );
        break;
      }
      case 1: {
        // model.add chain
        out.push(`export function added${i}(): tf.Sequential {`, '  const model = tf.sequential();');
        for (let k = 0; k < 8; k++)
          out.push(
            `  model.add(tf.layers.dense({ units: 32, activation: '${act}', kernelInitializer: tf.initializers.${init === 'zeros' ? 'heNormal' : init}({ seed: ${k} })${k === 0 ? ', inputShape: [32]' : ''} }));`,
          );
        out.push(
          '  model.add(tf.layers.batchNormalization());',
          "  model.add(tf.layers.dense({ units: 1, activation: 'softmax' }));",
          "  model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });",
          '  return model;',
          '}',
          '',
        );
        break;
      }
      default: {
        // functional chain
        out.push(
          `export function functional${i}(): tf.LayersModel {`,
          '  const input = tf.input({ shape: [64] });',
          `  let x = tf.layers.dense({ units: 64, activation: '${act}' }).apply(input) as tf.SymbolicTensor;`,
        );
        for (let k = 0; k < 5; k++)
          out.push(
            `  x = tf.layers.dense({ units: 64, activation: '${ACTS[(i + k) % ACTS.length]}', kernelInitializer: '${init}' }).apply(x) as tf.SymbolicTensor;`,
          );
        out.push(
          '  const output = tf.layers.dense({ units: 3 }).apply(x) as tf.SymbolicTensor;',
          '  const model = tf.model({ inputs: input, outputs: output });',
          `  model.compile({ optimizer: tf.train.adam(0.05), loss: 'categoricalCrossentropy' });`,
          '  return model;',
          '}',
          '',
        );
      }
    }
    i++;
  }
  return out.slice(0, lines).join('\n') + '\n';
}

/**
 * The same size of file built the way people write deeper nets: layers added in loops with constant bounds, helper
 * functions returning layers, helpers adding to the model they are given, settings in a const object. Measured beside
 * the main file (the code paths that follow ordinary code), not instead of it.
 */
export function generateLoopFile(lines: number): string {
  const out = [
    "import * as tf from '@tensorflow/tfjs';",
    '',
    'const CONFIG = { lr: 0.05, units: [64, 64, 32, 32], rate: 0.2 };',
    '',
  ];
  let i = 0;
  while (out.length < lines) {
    const act = ACTS[i % ACTS.length],
      init = INITS[i % INITS.length];
    out.push(
      `function block${i}(units: number) {`,
      `  const layer = tf.layers.dense({ units, activation: '${act}', kernelInitializer: '${init}' });`,
      '  return layer;',
      '}',
      `function addPair${i}(model: tf.Sequential) {`,
      `  model.add(tf.layers.dense({ units: 16, activation: '${ACTS[(i + 1) % ACTS.length]}' }));`,
      '  model.add(tf.layers.dropout({ rate: CONFIG.rate }));',
      '}',
      `export function looped${i}(): tf.Sequential {`,
      '  const model = tf.sequential();',
      "  model.add(tf.layers.dense({ units: 64, activation: 'relu', inputShape: [32] }));",
      `  for (let i = 0; i < ${3 + (i % 5)}; i++) model.add(block${i}(32));`,
      `  for (const u of CONFIG.units) model.add(block${i}(u));`,
      `  [1, 2].forEach(() => addPair${i}(model));`,
      "  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));",
      `  model.compile({ optimizer: tf.train.adagrad(CONFIG.lr), loss: 'categoricalCrossentropy' });`,
      '  return model;',
      '}',
      '',
    );
    i++;
  }
  return out.slice(0, lines).join('\n') + '\n';
}

function main(): void {
  const lines = arg('lines', 2000),
    runs = arg('runs', 60);
  const text = generateModelFile(lines);
  const file = 'generated.model.ts';
  for (let w = 0; w < 5; w++) analyzeText(text, file); // warm up the JIT

  // separate blocks: interleaving would hand one variant's garbage-collection debt to the other
  const full: number[] = [],
    fullCpu: number[] = [],
    withFixes: number[] = [];
  let findings = 0,
    layers = 0,
    fixes = 0;
  for (let r = 0; r < runs; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const a = analyzeText(text, file, DEFAULT_LINT_SETTINGS, { fixes: false });
    full.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    fullCpu.push((c.user + c.system) / 1000);
    findings = a.findings.length;
    layers = a.sketch!.layers.length;
  }
  for (let r = 0; r < runs; r++) {
    const t1 = performance.now();
    const b = analyzeText(text, file);
    withFixes.push(performance.now() - t1);
    fixes = b.findings.reduce((n, f) => n + (f.fixes?.length ?? 0), 0);
  }

  const cache = new DocumentAnalyses({ fixes: false });
  cache.get('doc', 0, () => text, file, DEFAULT_LINT_SETTINGS);
  const incremental: number[] = [],
    incrementalCpu: number[] = [];
  const at = text.indexOf('units: 32');
  for (let r = 1; r <= runs; r++) {
    const edited = text.slice(0, at + 7) + String(r % 10) + text.slice(at + 8); // retype one digit
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    cache.get('doc', r, () => edited, file, DEFAULT_LINT_SETTINGS);
    incremental.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    incrementalCpu.push((c.user + c.system) / 1000);
  }

  const sketch = analyzeText(text, file).sketch!;
  const lensTimes: number[] = [];
  let lenses = 0;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    lenses = lensesFor(sketch).length;
    lensTimes.push(performance.now() - t0);
  }

  const fmt = (xs: number[]) =>
    `median ${median(xs).toFixed(2)} ms (min ${Math.min(...xs).toFixed(2)}, max ${Math.max(...xs).toFixed(2)})`;
  console.log(
    `Generated model file: ${text.split('\n').length - 1} lines, ${(text.length / 1024).toFixed(0)} KiB, ${layers} layer calls, ${sketch.models.length} models, ${findings} findings (${fixes} quick fixes), ${lenses} lenses; ${runs} runs each`,
  );
  console.log(
    `machine: ${os.cpus().length} cores, load average ${os
      .loadavg()
      .map(x => x.toFixed(2))
      .join(' ')}, node ${process.version}`,
  );
  console.log(
    `full analysis (parse + sketch + rules), as the editor runs it: wall ${fmt(full)}; process CPU (incl. GC threads) median ${median(fullCpu).toFixed(2)} ms`,
  );
  console.log(`full analysis with every fix edit built (lint --format json): wall ${fmt(withFixes)}`);
  console.log(
    `incremental re-analysis after a 1-char edit: wall ${fmt(incremental)}; process CPU median ${median(incrementalCpu).toFixed(2)} ms`,
  );
  console.log(`code lenses from the sketch: ${fmt(lensTimes)}`);
  const loopText = generateLoopFile(lines);
  for (let w = 0; w < 5; w++) analyzeText(loopText, 'loops.model.ts');
  const loopTimes: number[] = [];
  let loopFindings = 0;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    loopFindings = analyzeText(loopText, 'loops.model.ts', DEFAULT_LINT_SETTINGS, { fixes: false }).findings.length;
    loopTimes.push(performance.now() - t0);
  }
  console.log(
    `a ${lines}-line file of models built in loops and helpers (${loopFindings} findings): wall ${fmt(loopTimes)}`,
  );
  const target = 20;
  const ok = lines !== 2000 || median(full) <= target;
  console.log(
    lines === 2000
      ? `target <= ${target} ms for 2,000 lines: ${ok ? 'met' : 'NOT met'}`
      : '(target applies to --lines 2000)',
  );
  if (!ok) process.exitCode = 1;
}

if (require.main === module) main();
