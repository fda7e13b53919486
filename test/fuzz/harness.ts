/**
 * Runs one fuzz target (test/fuzz/targets/<name>.ts) with fast-check in a worker thread, so that an input that hangs
 * is caught: the worker announces every input, and one that runs longer than the per-input limit gets the worker
 * terminated and the test failed with that input. Seed: fixed under CI (CI=true), else random and printed;
 * replay with `FUZZ_SEED=<seed> npm run test:fuzz` (add FUZZ_PATH=<path> for the exact counterexample), or
 * `node --import tsx test/fuzz/<target>.test.ts --seed <seed>`.
 */
import { Worker } from 'node:worker_threads';
import * as path from 'node:path';
import fc from 'fast-check';
import type { FuzzTargetSpec } from './targets/spec';

export const CI_SEED = 20261204;
/** inputs per target */
export const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
/** an input taking longer than this is a hang (generous: the machine may be busy) */
export const INPUT_TIMEOUT_MS = Number(process.env.FUZZ_INPUT_TIMEOUT_MS ?? 10_000);

function argValue(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  if (i >= 0) return process.argv[i + 1];
  return process.argv.find(a => a.startsWith(`${flag}=`))?.slice(flag.length + 1);
}

export function fuzzSeed(): number {
  const given = argValue('--seed') ?? process.env.FUZZ_SEED;
  if (given !== undefined && given !== '') return Number(given) | 0;
  if (process.env.CI === 'true') return CI_SEED;
  return (Math.random() * 0x7fffffff) | 0;
}

export interface FuzzReport {
  target: string;
  seed: number;
  runs: number;
  ms: number;
  failure?: string;
}

export function fuzzTarget(target: string): Promise<FuzzReport> {
  const seed = fuzzSeed();
  const replayPath = argValue('--path') ?? process.env.FUZZ_PATH;
  const started = Date.now();
  // a CommonJS bootstrap: the worker's own entry must be .js; tsx (--import) then loads the TypeScript
  const worker = new Worker(`require('tsx/cjs'); require(${JSON.stringify(path.join(__dirname, 'worker.ts'))})`, {
    eval: true,
    workerData: { target, seed, runs: RUNS, path: replayPath },
  });
  return new Promise(resolve => {
    let last = { i: -1 };
    /** the input the worker is on, regenerated from the seed (fast-check draws inputs in the same order) */
    const inputText = (i: number) => {
      if (i < 0 || replayPath) return '(see the seed)';
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const spec = (require(`./targets/${target}`) as { default: FuzzTargetSpec<unknown> }).default;
        return fc.stringify(fc.sample(spec.arbitrary, { seed, numRuns: i + 1 })[i]).slice(0, 2000);
      } catch (e) {
        return `(cannot regenerate: ${(e as Error).message})`;
      }
    };
    let lastAt = Date.now();
    let settled = false;
    const finish = (r: Omit<FuzzReport, 'target' | 'seed' | 'ms'>) => {
      if (settled) return;
      settled = true;
      clearInterval(watchdog);
      const report = { target, seed, ms: Date.now() - started, ...r };
      process.stdout.write(
        `fuzz ${target}: ${report.runs} inputs in ${(report.ms / 1000).toFixed(1)} s, seed ${seed}${report.failure ? ' — FAILED' : ''} (replay: FUZZ_SEED=${seed})\n`,
      );
      void worker.terminate();
      resolve(report);
    };
    const watchdog = setInterval(() => {
      if (Date.now() - lastAt > INPUT_TIMEOUT_MS)
        finish({
          runs: last.i + 1,
          failure: `input #${last.i} ran over ${INPUT_TIMEOUT_MS} ms (a hang), seed ${seed}: ${inputText(last.i)}`,
        });
    }, 250);
    worker.on('message', (m: { type: 'input'; i: number } | { type: 'done'; runs: number; failure?: string }) => {
      if (m.type === 'input') {
        last = m;
        lastAt = Date.now();
      } else finish({ runs: m.runs, failure: m.failure });
    });
    worker.on('error', e =>
      finish({
        runs: last.i + 1,
        failure: `worker crashed on input #${last.i} (${e.stack ?? e.message}): ${inputText(last.i)}`,
      }),
    );
    worker.on('exit', code =>
      finish({ runs: last.i + 1, failure: `worker exited (${code}) on input #${last.i}: ${inputText(last.i)}` }),
    );
  });
}
