/**
 * When the editor offers the types-only tfjs: a file that imports tfjs (any spelling) and from which no
 * node_modules/@tensorflow/tfjs is found up the folders.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from './helpers';
import { importsTfjs, resolveTfjsFrom } from '../../src/toolkit/tfjsResolve';

test('importsTfjs: import, import type, export from, dynamic import, require; not a mention in a comment', () => {
  for (const source of [
    "import * as tf from '@tensorflow/tfjs';",
    'import type { Tensor } from "@tensorflow/tfjs-core";',
    "export { layers } from '@tensorflow/tfjs';",
    "const tf = await import('@tensorflow/tfjs');",
    "const tf = require('@tensorflow/tfjs-node');",
    "import '@tensorflow/tfjs-backend-wasm';",
  ])
    assert.ok(importsTfjs(source), source);
  for (const source of ["// uses @tensorflow/tfjs'", "import x from '@tensorflow/tfjs-extra/../x';", "import 'tfjs';"])
    assert.ok(!importsTfjs(source), source);
});

test('resolveTfjsFrom: finds the package in an ancestor node_modules, not a folder without package.json', () => {
  const root = tempDir('tl-resolve-');
  const job = path.join(root, 'a', 'b', 'job.ts');
  fs.mkdirSync(path.dirname(job), { recursive: true });
  fs.mkdirSync(path.join(root, 'a', 'node_modules', '@tensorflow', 'tfjs'), { recursive: true });
  assert.equal(resolveTfjsFrom(job), undefined, 'an empty folder is no package');
  fs.writeFileSync(path.join(root, 'a', 'node_modules', '@tensorflow', 'tfjs', 'package.json'), '{}');
  assert.equal(resolveTfjsFrom(job), path.join(root, 'a', 'node_modules', '@tensorflow', 'tfjs'));
});
