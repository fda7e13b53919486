/** Where the runner child's entry is: next to the built bundle, or the TypeScript source under tsx (tests, dev). */
import * as path from 'node:path';
import * as fs from 'node:fs';
import { pathToFileURL } from 'node:url';

export interface RunnerEntry {
  runnerEntry: string;
  execArgv: string[];
  wasmDir?: string;
}

export function runnerEntry(fromDir: string = __dirname): RunnerEntry {
  const built = path.join(fromDir, 'runner.js');
  if (fs.existsSync(built)) {
    const wasmDir = path.join(fromDir, 'wasm');
    return { runnerEntry: built, execArgv: [], wasmDir: fs.existsSync(wasmDir) ? wasmDir : undefined };
  }
  // Running from sources (src/runner or src/cli under tsx).
  const src = path.resolve(fromDir, '..', 'runner', 'child.ts');
  const source = fs.existsSync(src) ? src : path.join(fromDir, 'child.ts');
  // tsx by absolute URL: the child's cwd is the job's folder, which need not see this package's node_modules
  return { runnerEntry: source, execArgv: ['--import', pathToFileURL(require.resolve('tsx')).href] };
}
