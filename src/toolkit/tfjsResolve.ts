/** Whether `import … from '@tensorflow/tfjs'` in a file resolves: a node_modules/@tensorflow/tfjs up its folders. */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Imports tfjs (any @tensorflow/tfjs* package), by import, export … from, dynamic import or require. */
export function importsTfjs(source: string): boolean {
  return /(?:from\s*|import\s*\(\s*|require\s*\(\s*|import\s+)['"]@tensorflow\/tfjs(?:-[a-z-]+)?['"]/.test(source);
}

/** The folder of the @tensorflow/tfjs package TypeScript would find from this file, if any. */
export function resolveTfjsFrom(file: string): string | undefined {
  let dir = path.dirname(path.resolve(file));
  for (;;) {
    const candidate = path.join(dir, 'node_modules', '@tensorflow', 'tfjs');
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
