/**
 * The extension side of the untrusted run store, against a small `vscode` stand-in: Runs-view tooltips render log
 * text as text (rendered with markdown-it, a CommonMark renderer: no injected link, no markup); Set Up Native Backend
 * refuses an untrusted workspace and asks before building with an interpreter that lives inside the workspace; the
 * manifest keeps the interpreter setting machine-wide and declares virtual-workspace support.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Module from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, tempDir } from './helpers';
import type { RunRecord } from '../../src/runs/store';

class MarkdownString {
  value: string;
  isTrusted?: boolean;
  supportHtml?: boolean;
  constructor(
    value = '',
    readonly supportThemeIcons = false,
  ) {
    this.value = value;
  }
  appendMarkdown(v: string) {
    this.value += v;
    return this;
  }
  appendText(v: string) {
    this.value += v.replace(/[\\`*_{}[\]()#+\-.!<>]/g, '\\$&');
    return this;
  }
}
class TreeItem {
  constructor(
    readonly label: string,
    readonly collapsibleState: number,
  ) {}
}
class ThemeIcon {
  constructor(
    readonly id: string,
    readonly color?: unknown,
  ) {}
}
class ThemeColor {
  constructor(readonly id: string) {}
}

const state = { trusted: true, folders: [] as string[], interpreter: undefined as string | undefined };
const shown: { kind: string; message: string }[] = [];
const logs: string[] = [];
const commands = new Map<string, (...args: any[]) => unknown>();
const vscodeStub = {
  MarkdownString,
  TreeItem,
  ThemeIcon,
  ThemeColor,
  TreeItemCollapsibleState: { None: 0 },
  ProgressLocation: { Notification: 15 },
  EventEmitter: class {
    event = () => ({ dispose() {} });
    fire() {}
    dispose() {}
  },
  extensions: {
    getExtension: () =>
      state.interpreter
        ? {
            isActive: true,
            exports: { environments: { getActiveEnvironmentPath: () => ({ path: state.interpreter }) } },
          }
        : undefined,
  },
  workspace: {
    get isTrusted() {
      return state.trusted;
    },
    get workspaceFolders() {
      return state.folders.map(f => ({ uri: { fsPath: f, scheme: 'file' } }));
    },
    getConfiguration: () => ({ get: () => undefined }),
  },
  commands: {
    registerCommand: (id: string, fn: (...args: any[]) => unknown) => {
      commands.set(id, fn);
      return { dispose: () => commands.delete(id) };
    },
  },
  window: {
    showInformationMessage: async (message: string) => {
      shown.push({ kind: 'info', message });
      return undefined;
    },
    showErrorMessage: async (message: string) => {
      shown.push({ kind: 'error', message });
      return undefined;
    },
    showWarningMessage: async (message: string) => {
      shown.push({ kind: 'warning', message });
      return undefined;
    },
    withProgress: async () => {
      logs.push('withProgress');
      throw new Error('the build started');
    },
  },
};
const output = {
  info: (m: string) => logs.push(m),
  warn: (m: string) => logs.push(m),
  error: (m: string) => logs.push(m),
  show: () => undefined,
};

const STUB_ID = 'vscode-stub-for-store-test';
const resolver = Module as unknown as { _resolveFilename: (...a: unknown[]) => string };
const originalResolve = resolver._resolveFilename;
let runsView: typeof import('../../extension/runsView');
let native: typeof import('../../extension/native');

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
  runsView = await import('../../extension/runsView');
  native = await import('../../extension/native');
});
after(() => {
  resolver._resolveFilename = originalResolve;
});

// markdown-it comes with @vscode/vsce (it renders the README for the Marketplace); it ships no types
// eslint-disable-next-line @typescript-eslint/no-require-imports
const MarkdownIt = require('markdown-it') as new (o: object) => { render(text: string): string };
const md = new MarkdownIt({ html: false, linkify: false });

test('Runs-view tooltips show log text as text: no injected link, no markup', () => {
  const evil =
    'boom [click me](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22rm%22%7D) **bold** <img src=x> `code` _x_';
  const run: RunRecord = {
    runId: 'r[1](https://evil.example)',
    dir: '/w/.training-lens/runs/r',
    jobFile: '/w/[job](javascript:alert(1)).train.ts',
    startedAt: '2026-11-23T17:00:00Z',
    status: 'error',
    steps: 3,
    backend: 'cpu<b>',
    error: { message: evil },
    sweep: { id: 's*1*', trial: 0, hparams: { '[k](https://evil.example)': 1 } },
  };
  const tip = runsView.runTooltip(run) as unknown as MarkdownString;
  assert.notEqual(tip.isTrusted, true, 'untrusted Markdown: command links never run');
  const html = md.render(tip.value);
  assert.doesNotMatch(
    html,
    /<a |<img|<code>|<em>|<b>/,
    `the rendered tooltip has no link, image or markup from the log:\n${html}`,
  );
  assert.match(
    html,
    /<strong>\[job\]\(javascript:alert\(1\)\)\.train\.ts<\/strong>/,
    'the job name is shown literally, in the bold we put around it',
  );
  assert.ok(
    html.includes(
      'boom [click me](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22rm%22%7D) **bold** &lt;img src=x&gt; `code` _x_',
    ),
    `the error text reads as it was written:\n${html}`,
  );
  const damaged = md.render(
    (
      runsView.runTooltip({
        ...run,
        status: 'damaged',
        problem: '/w/x: a [link](https://evil.example)',
      }) as unknown as MarkdownString
    ).value,
  );
  assert.doesNotMatch(damaged, /<a /);
  assert.match(damaged, /damaged run/);
});

function context(storage: string) {
  return { subscriptions: [] as { dispose(): unknown }[], globalStorageUri: { fsPath: storage } } as any;
}

test('Set Up Native Backend refuses in an untrusted workspace, before running any interpreter', async () => {
  native.registerNativeBackend(context(tempDir('tl-storage-')), output as any);
  state.trusted = false;
  state.folders = [tempDir('tl-ws-')];
  shown.length = 0;
  logs.length = 0;
  await commands.get(native.SETUP_NATIVE_COMMAND)!();
  assert.match(shown.map(s => s.message).join('\n'), /needs a trusted workspace/);
  assert.deepEqual(
    logs.filter(l => /trying|withProgress/.test(l)),
    [],
    'no interpreter was run, no build started',
  );
});

test('an interpreter inside the workspace needs an explicit yes; dismissing builds nothing', async () => {
  const ws = tempDir('tl-ws-');
  const venvPython = path.join(ws, '.venv', 'bin', 'python');
  fs.mkdirSync(path.dirname(venvPython), { recursive: true });
  fs.writeFileSync(venvPython, '#!/bin/sh\necho pwned > "$0.ran"\n', { mode: 0o755 });
  native.registerNativeBackend(context(tempDir('tl-storage-')), output as any);
  Object.assign(state, { trusted: true, folders: [ws], interpreter: venvPython });
  shown.length = 0;
  logs.length = 0;
  await commands.get(native.SETUP_NATIVE_COMMAND)!();
  const warning = shown.find(s => s.kind === 'warning');
  assert.ok(warning, 'the user was asked');
  assert.ok(
    warning.message.includes(venvPython) && /every later run in every workspace/.test(warning.message),
    warning.message,
  );
  assert.deepEqual(
    logs.filter(l => /trying|withProgress/.test(l)),
    [],
    'dismissed: nothing ran',
  );
  assert.ok(!fs.existsSync(venvPython + '.ran'), 'the workspace interpreter never ran');
});

test('the manifest keeps trainingLens.pythonPath machine-wide and declares virtual-workspace support', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  assert.equal(
    pkg.contributes.configuration.properties?.['trainingLens.pythonPath']?.scope ??
      [pkg.contributes.configuration]
        .flat()
        .map((c: any) => c.properties?.['trainingLens.pythonPath'])
        .find(Boolean)?.scope,
    'machine',
    'a workspace (a cloned repository) cannot choose the interpreter',
  );
  assert.ok(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations.includes('trainingLens.pythonPath'));
  assert.ok(
    ['limited', true, false].includes(pkg.capabilities.virtualWorkspaces?.supported),
    'virtualWorkspaces is declared',
  );
});
