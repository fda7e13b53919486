/** Backend selection: what a user gets with and without tfjs-node, and what an explicit choice does. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { selectBackend, missingWasmKernel } from '../../src/runner/backend';
import { tempDir } from './helpers';

/** A folder whose node_modules holds a tfjs-node that installed without its native addon (npm --ignore-scripts). */
function workspaceWithBrokenTfjsNode(): string {
  const ws = tempDir('tl-ws-');
  const pkg = path.join(ws, 'node_modules', '@tensorflow', 'tfjs-node');
  fs.mkdirSync(pkg, { recursive: true });
  fs.writeFileSync(
    path.join(pkg, 'package.json'),
    JSON.stringify({ name: '@tensorflow/tfjs-node', version: '4.22.0', main: 'index.js' }),
  );
  fs.writeFileSync(
    path.join(pkg, 'index.js'),
    "throw new Error('The Node.js native addon module (tfjs_binding.node) can not be found at path: lib/napi-v8/tfjs_binding.node');\n",
  );
  return ws;
}

test('auto without a loadable tfjs-node picks wasm and says why', async () => {
  const choice = await selectBackend({ preference: 'auto', resolveFrom: tempDir() });
  assert.equal(choice.name, 'wasm');
  assert.equal(choice.tf.getBackend(), 'wasm');
  assert.match(choice.notes.join('\n'), /tfjs-node: not installed/);
});

test('a workspace tfjs-node that cannot load falls back, with its error in the notes', async () => {
  const choice = await selectBackend({ preference: 'auto', resolveFrom: workspaceWithBrokenTfjsNode() });
  assert.equal(choice.name, 'wasm');
  assert.match(choice.notes.join('\n'), /tfjs-node at .*tfjs-node\/index\.js: The Node\.js native addon module/);
});

test('asking for node when it cannot load is a clear error, not a silent fallback', async () => {
  await assert.rejects(
    selectBackend({ preference: 'node', resolveFrom: workspaceWithBrokenTfjsNode() }),
    /native backend \(tfjs-node\) is not available: .*tfjs_binding\.node/,
  );
});

test('wasm with a missing binary folder still finds the packaged binaries; cpu is always there', async () => {
  const wasm = await selectBackend({ preference: 'wasm', wasmDir: '/nonexistent' });
  assert.equal(wasm.name, 'wasm');
  const cpu = await selectBackend({ preference: 'cpu' });
  assert.equal(cpu.name, 'cpu');
  assert.equal(cpu.tf.getBackend(), 'cpu');
});

test('the wasm missing-kernel error is recognised', () => {
  assert.equal(
    missingWasmKernel(new Error("Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'")),
    'Conv2DBackpropFilter',
  );
  assert.equal(missingWasmKernel(new Error('shape mismatch')), undefined);
});

test('tfjs\' "looks like you are running TensorFlow.js in Node.js" banner stays out of the job output', async () => {
  const cpu = await selectBackend({ preference: 'cpu' });
  const warned: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    warned.push(args.join(' '));
  };
  try {
    const t = cpu.tf.tensor([1, 2, 3]); // the cpu backend's first write is where tfjs prints it
    t.dispose();
  } finally {
    console.warn = warn;
  }
  assert.deepEqual(
    warned.filter(w => /running TensorFlow\.js in Node\.js/.test(w)),
    [],
    'the banner was printed',
  );
});
