/** The fuzz worker: runs one target's property under fast-check and reports every input to the harness. */
import { parentPort, workerData } from 'node:worker_threads';
import fc from 'fast-check';
import type { FuzzTargetSpec } from './targets/spec';

const { target, seed, runs, path } = workerData as { target: string; seed: number; runs: number; path?: string };

async function main(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const spec = (require(`./targets/${target}`) as { default: FuzzTargetSpec<unknown> }).default;
  await spec.setup?.();
  let i = 0;
  // only the index: the harness regenerates a hanging input from the seed (stringifying every input costs more than
  // many of the checks)
  const announce = () => parentPort!.postMessage({ type: 'input', i: i++ });
  const property = fc.asyncProperty(spec.arbitrary, async input => {
    announce();
    await spec.check(input);
  });
  const details = await fc.check(property, { seed, numRuns: runs, path, verbose: 0, endOnFailure: true });
  await spec.teardown?.();
  const failure = details.failed
    ? `seed ${details.seed}, path ${details.counterexamplePath}: ${fc.stringify(details.counterexample).slice(0, 2000)}\n${String((details.errorInstance as Error | undefined)?.stack ?? details.errorInstance)}`
    : undefined;
  parentPort!.postMessage({ type: 'done', runs: details.numRuns, failure });
}

main().catch(e =>
  parentPort!.postMessage({ type: 'done', runs: 0, failure: `target ${target} failed to run: ${(e as Error).stack}` }),
);
