/**
 * The "Set Up Native Backend" command (extension/native.ts) against a small `vscode` stand-in: a verified build in
 * global storage is handed to runs, and a Python without TensorFlow gets a clear message that offers the private install.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Module from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from './helpers';
import { NATIVE_DIR_ENV, MARKER_FILE } from '../../src/native/setup';

const settings: Record<string, unknown> = {};
const commands = new Map<string, (...args: any[]) => unknown>();
const errors: { message: string; actions: string[] }[] = [];
const progress: string[] = [];
const logs: string[] = [];

const vscodeStub = {
  ProgressLocation: { Notification: 15 },
  extensions: { getExtension: () => undefined },
  workspace: {
    isTrusted: true,
    getConfiguration: () => ({
      get: (key: string, fallback?: unknown) => (key in settings ? settings[key] : fallback),
    }),
    workspaceFolders: undefined,
  },
  commands: {
    registerCommand: (id: string, fn: (...args: any[]) => unknown) => {
      commands.set(id, fn);
      return { dispose: () => commands.delete(id) };
    },
  },
  window: {
    showInformationMessage: async () => undefined,
    showErrorMessage: async (message: string, ...actions: string[]) => {
      errors.push({ message, actions });
      return undefined;
    },
    withProgress: async (
      _o: unknown,
      task: (p: { report(v: { message: string }): void }, t: { onCancellationRequested(): void }) => Promise<unknown>,
    ) => task({ report: v => progress.push(v.message) }, { onCancellationRequested: () => undefined }),
  },
};
const output = { info: (m: string) => logs.push(m), error: (m: string) => logs.push(m), show: () => undefined };

const STUB_ID = 'vscode-stub-for-native-test';
const resolver = Module as unknown as { _resolveFilename: (...a: unknown[]) => string };
const originalResolve = resolver._resolveFilename;
let registerNativeBackend: typeof import('../../extension/native').registerNativeBackend;
const savedEnv = process.env[NATIVE_DIR_ENV];

before(async () => {
  resolver._resolveFilename = function (this: unknown, request: unknown, ...rest: unknown[]) {
    return request === 'vscode' ? STUB_ID : originalResolve.call(this, request, ...rest);
  };
  (require.cache as Record<string, unknown>)[STUB_ID] = {
    id: STUB_ID,
    filename: STUB_ID,
    loaded: true,
    exports: vscodeStub,
  };
  ({ registerNativeBackend } = await import('../../extension/native'));
});
after(() => {
  resolver._resolveFilename = originalResolve;
  if (savedEnv === undefined) delete process.env[NATIVE_DIR_ENV];
  else process.env[NATIVE_DIR_ENV] = savedEnv;
});

function context(storage: string) {
  return { subscriptions: [] as { dispose(): unknown }[], globalStorageUri: { fsPath: storage } } as any;
}

test('a verified build in global storage is handed to runs (never the workspace)', () => {
  delete process.env[NATIVE_DIR_ENV];
  const storage = tempDir('tl-storage-');
  fs.mkdirSync(path.join(storage, 'native'));
  fs.writeFileSync(
    path.join(storage, 'native', MARKER_FILE),
    JSON.stringify({ tensorflow: '2.21.0', builtAt: 'then' }),
  );
  registerNativeBackend(context(storage), output as any);
  assert.equal(process.env[NATIVE_DIR_ENV], path.join(storage, 'native'));
  assert.ok(commands.has('trainingLens.setupNativeBackend'));
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
  assert.ok(
    pkg.contributes.commands.some(
      (c: { command: string; title: string }) =>
        c.command === 'trainingLens.setupNativeBackend' && c.title === 'Set Up Native Backend',
    ),
  );
  assert.ok(pkg.contributes.configuration.properties['trainingLens.pythonPath']);
});

test('the command with a Python lacking TensorFlow says so and offers the private install', async () => {
  delete process.env[NATIVE_DIR_ENV];
  const bin = tempDir('tl-fakepy-');
  const python = path.join(bin, 'python3');
  fs.writeFileSync(
    python,
    `#!/bin/sh\nprintf '%s\\n' '{"pythonVersion": "3.12.0", "tensorflowError": "ModuleNotFoundError: no tensorflow"}'\n`,
    { mode: 0o755 },
  );
  settings.pythonPath = python;
  const storage = tempDir('tl-storage-');
  registerNativeBackend(context(storage), output as any);
  await commands.get('trainingLens.setupNativeBackend')!();
  assert.equal(errors.length, 1);
  assert.match(
    errors[0].message,
    /cannot set up the native backend\. .*\(Python 3\.12\.0\) has no TensorFlow .*Runs keep using WebAssembly/,
  );
  assert.deepEqual(errors[0].actions, ['Install tensorflow-cpu==2.21.0 (private environment)', 'Show Log']);
  assert.ok(progress.some(p => p.startsWith(`Checking ${python}`)));
  assert.equal(process.env[NATIVE_DIR_ENV], undefined, 'no build, nothing handed to runs');
  assert.ok(!fs.existsSync(path.join(storage, 'native', MARKER_FILE)));
});
