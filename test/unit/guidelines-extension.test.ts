/**
 * The editor glue (extension/guidelines) against a small in-memory stand-in for the `vscode` API: diagnostics with
 * source "Training Lens" and the finding code, deterministic code lens titles, hovers, quick fixes that remove their
 * finding, the lens click, settings, and cleanup. (The real-VS-Code scenarios live in test/e2e.)
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Module from 'node:module';

// ---- a minimal vscode stand-in ----
class Position {
  constructor(
    readonly line: number,
    readonly character: number,
  ) {}
}
class Range {
  readonly start: Position;
  readonly end: Position;
  constructor(a: Position | number, b: Position | number, c?: number, d?: number) {
    if (typeof a === 'number') {
      this.start = new Position(a, b as number);
      this.end = new Position(c!, d!);
    } else {
      this.start = a;
      this.end = b as Position;
    }
  }
  isEqual(o: Range): boolean {
    return (
      this.start.line === o.start.line &&
      this.start.character === o.start.character &&
      this.end.line === o.end.line &&
      this.end.character === o.end.character
    );
  }
}
class Uri {
  constructor(
    readonly scheme: string,
    readonly fsPath: string,
  ) {}
  static file(p: string): Uri {
    return new Uri('file', p);
  }
  static parse(s: string): Uri {
    return new Uri(s.split(':')[0], s.replace(/^file:\/\//, ''));
  }
  toString(): string {
    return `${this.scheme}://${this.fsPath}`;
  }
}
class EventEmitter<T> {
  private listeners: ((e: T) => void)[] = [];
  readonly event = (l: (e: T) => void) => {
    this.listeners.push(l);
    return {
      dispose: () => {
        this.listeners = this.listeners.filter(x => x !== l);
      },
    };
  };
  fire(e: T): void {
    this.listeners.forEach(l => l(e));
  }
}
class WorkspaceEdit {
  readonly edits: { uri: Uri; range: Range; text: string }[] = [];
  replace(uri: Uri, range: Range, text: string): void {
    this.edits.push({ uri, range, text });
  }
}

class Doc {
  version = 1;
  isClosed = false;
  constructor(
    readonly uri: Uri,
    public text: string,
    readonly languageId = 'typescript',
  ) {}
  get fileName(): string {
    return this.uri.fsPath;
  }
  getText(): string {
    return this.text;
  }
  get lineCount(): number {
    return this.text.split('\n').length;
  }
  lineAt(line: number): { range: Range } {
    const text = this.text.split('\n')[line];
    return { range: new Range(line, 0, line, text.length) };
  }
  offsetAt(p: Position): number {
    const lines = this.text.split('\n');
    let o = 0;
    for (let i = 0; i < p.line; i++) o += lines[i].length + 1;
    return o + p.character;
  }
  positionAt(offset: number): Position {
    const before = this.text.slice(0, offset).split('\n');
    return new Position(before.length - 1, before[before.length - 1].length);
  }
}

const settings: Record<string, unknown> = {};
const docs: Doc[] = [];
const opened = new EventEmitter<Doc>(),
  changed = new EventEmitter<{ document: Doc }>(),
  closed = new EventEmitter<Doc>();
const configChanged = new EventEmitter<{ affectsConfiguration: (s: string) => boolean }>();
const collections: Map<string, unknown[]>[] = [];
const providers: { lens?: any; hover?: any; actions?: any; actionsMeta?: any } = {};
const commands = new Map<string, (...args: any[]) => unknown>();
const messages: string[] = [];

function applyWorkspaceEdit(we: WorkspaceEdit): boolean {
  for (const doc of docs) {
    const mine = we.edits
      .filter(e => e.uri.toString() === doc.uri.toString())
      .map(e => ({ start: doc.offsetAt(e.range.start), end: doc.offsetAt(e.range.end), text: e.text }))
      .sort((a, b) => b.start - a.start);
    if (!mine.length) continue;
    for (const e of mine) doc.text = doc.text.slice(0, e.start) + e.text + doc.text.slice(e.end);
    doc.version++;
    changed.fire({ document: doc });
  }
  return true;
}

const vscodeStub = {
  Position,
  Range,
  Uri,
  EventEmitter,
  WorkspaceEdit,
  Diagnostic: class {
    source?: string;
    code?: string;
    constructor(
      readonly range: Range,
      readonly message: string,
      readonly severity: number,
    ) {}
  },
  DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
  CodeLens: class {
    constructor(
      readonly range: Range,
      readonly command: { title: string; command: string; arguments?: unknown[] },
    ) {}
  },
  Hover: class {
    constructor(
      readonly contents: { value: string },
      readonly range: Range,
    ) {}
  },
  MarkdownString: class {
    constructor(readonly value: string) {}
  },
  CodeAction: class {
    diagnostics?: unknown[];
    edit?: WorkspaceEdit;
    isPreferred?: boolean;
    constructor(
      readonly title: string,
      readonly kind: unknown,
    ) {}
  },
  CodeActionKind: { QuickFix: { value: 'quickfix' } },
  ProgressLocation: { Window: 10 },
  languages: {
    createDiagnosticCollection: () => {
      const m = new Map<string, unknown[]>();
      collections.push(m);
      return {
        set: (u: Uri, d: unknown[]) => m.set(u.toString(), d),
        delete: (u: Uri) => m.delete(u.toString()),
        get: (u: Uri) => m.get(u.toString()),
        has: (u: Uri) => m.has(u.toString()),
        dispose: () => m.clear(),
      };
    },
    registerCodeLensProvider: (_s: unknown, p: unknown) => {
      providers.lens = p;
      return { dispose() {} };
    },
    registerHoverProvider: (_s: unknown, p: unknown) => {
      providers.hover = p;
      return { dispose() {} };
    },
    registerCodeActionsProvider: (_s: unknown, p: unknown, meta: unknown) => {
      providers.actions = p;
      providers.actionsMeta = meta;
      return { dispose() {} };
    },
  },
  workspace: {
    get textDocuments() {
      return docs.filter(d => !d.isClosed);
    },
    onDidOpenTextDocument: opened.event,
    onDidChangeTextDocument: changed.event,
    onDidCloseTextDocument: closed.event,
    onDidChangeConfiguration: configChanged.event,
    getConfiguration: () => ({
      get: (key: string, fallback?: unknown) => (key in settings ? settings[key] : fallback),
    }),
    getWorkspaceFolder: () => undefined,
    applyEdit: async (we: WorkspaceEdit) => applyWorkspaceEdit(we),
    findFiles: async () => [],
    fs: { readFile: async () => new Uint8Array() },
  },
  commands: {
    registerCommand: (id: string, fn: (...args: any[]) => unknown) => {
      commands.set(id, fn);
      return { dispose: () => commands.delete(id) };
    },
  },
  window: {
    showInformationMessage: async (m: string) => {
      messages.push(m);
      return undefined;
    },
    withProgress: async (_o: unknown, task: () => Promise<unknown>) => task(),
  },
};

const STUB_ID = 'vscode-stub-for-guidelines-test';
const resolve = Module as unknown as { _resolveFilename: (...a: unknown[]) => string };
const originalResolve = resolve._resolveFilename;
let registerGuidelineFeatures: typeof import('../../extension/guidelines/index').registerGuidelineFeatures;
const context = { subscriptions: [] as { dispose(): unknown }[] };

before(async () => {
  resolve._resolveFilename = function (this: unknown, request: unknown, ...rest: unknown[]) {
    return request === 'vscode' ? STUB_ID : originalResolve.call(this, request, ...rest);
  };
  (require.cache as Record<string, unknown>)[STUB_ID] = {
    id: STUB_ID,
    filename: STUB_ID,
    loaded: true,
    exports: vscodeStub,
  };
  ({ registerGuidelineFeatures } = await import('../../extension/guidelines/index'));
});
after(() => {
  resolve._resolveFilename = originalResolve;
  context.subscriptions.forEach(d => d.dispose());
});

const MODEL = `import * as tf from '@tensorflow/tfjs';
export const model = tf.sequential({
  layers: [
    tf.layers.dense({ inputShape: [784], units: 300, activation: 'relu' }),
    tf.layers.dense({ units: 10 }),
  ],
});
model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
`;
const doc = new Doc(Uri.file('/ws/model.ts'), MODEL);
const other = new Doc(Uri.file('/ws/notes.md'), 'import "@tensorflow/tfjs"', 'markdown');
const diagnosticsOf = (d: Doc) =>
  (collections[0].get(d.uri.toString()) ?? []) as {
    source: string;
    code: string;
    severity: number;
    message: string;
    range: Range;
  }[];
const settle = () => new Promise(r => setTimeout(r, 260)); // the 200 ms debounce

test('registering lints the open tfjs documents, with source "Training Lens" and the finding code', () => {
  docs.push(doc, other);
  registerGuidelineFeatures(context as unknown as Parameters<typeof registerGuidelineFeatures>[0]);
  assert.ok(context.subscriptions.length >= 7, 'every provider, command and listener is disposable via the context');
  assert.deepEqual(providers.actionsMeta, { providedCodeActionKinds: [{ value: 'quickfix' }] });
  const diags = diagnosticsOf(doc);
  assert.deepEqual(
    diags.map(d => [d.code, d.severity, d.range.start.line]),
    [
      ['init-activation-mismatch', 1, 3],
      ['output-activation-loss', 0, 4],
    ],
  );
  assert.ok(diags.every(d => d.source === 'Training Lens'));
  assert.equal(diagnosticsOf(other).length, 0, 'not a TypeScript/JavaScript document');
});

test('code lenses: deterministic titles; the suggestion applies its fix when clicked', async () => {
  const lenses = providers.lens.provideCodeLenses(doc) as {
    range: Range;
    command: { title: string; command: string; arguments?: unknown[] };
  }[];
  assert.deepEqual(
    lenses.map(l => `${l.range.start.line}: ${l.command.title}`),
    [
      '3: relu → He (heNormal) recommended · now glorotNormal (default)',
      '4: ✓ linear → Glorot (glorotNormal)',
      '7: Adam: speed ★★★ · quality ★★☆–★★★',
      '7: Plain dense stack → self-normalizing config: LeCun init · SELU · no batch norm · alpha dropout if needed · momentum/RMSProp/Nadam · 1cycle',
    ],
  );
  const suggestion = lenses[0].command;
  assert.equal(suggestion.command, 'trainingLens.guidelines.applyFix');
  assert.equal(lenses[1].command.command, '', 'a confirmation does nothing when clicked');
  settings['codeLens.guidelinesConfirmations'] = false;
  configChanged.fire({ affectsConfiguration: s => s.startsWith('trainingLens') });
  assert.equal(providers.lens.provideCodeLenses(doc).length, 3);
  delete settings['codeLens.guidelinesConfirmations'];
  configChanged.fire({ affectsConfiguration: s => s.startsWith('trainingLens') });

  assert.equal(await commands.get(suggestion.command)!(...suggestion.arguments!), true);
  assert.match(doc.text, /activation: 'relu', kernelInitializer: 'heNormal' \}/);
  await settle();
  assert.deepEqual(
    diagnosticsOf(doc).map(d => d.code),
    ['output-activation-loss'],
  );
  // a stale lens (older version) is refused instead of editing the wrong place
  assert.equal(await commands.get(suggestion.command)!(...suggestion.arguments!), false);
  assert.match(messages.at(-1)!, /changed since this suggestion/);
});

test('hovers show the table row and source', () => {
  const at = doc.positionAt(doc.text.indexOf("'relu'") + 2);
  const hover = providers.hover.provideHover(doc, at) as { contents: { value: string }; range: Range };
  assert.match(hover.contents.value, /\*\*He\*\*/);
  assert.match(hover.contents.value, /Table 11-1/);
  assert.equal(hover.range.start.line, 3);
  assert.equal(providers.hover.provideHover(doc, new Position(0, 0)), undefined);
});

test('quick fixes: filtered to our diagnostics, preferred when unambiguous; applying one removes the finding', async () => {
  const diag = diagnosticsOf(doc)[0];
  const foreign = { ...diag, source: 'eslint' };
  const actions = providers.actions.provideCodeActions(doc, diag.range, { diagnostics: [diag, foreign] }) as {
    title: string;
    isPreferred: boolean;
    edit: WorkspaceEdit;
    diagnostics: unknown[];
  }[];
  assert.deepEqual(
    actions.map(a => [a.title, a.isPreferred]),
    [['Set the output activation to softmax', true]],
  );
  assert.deepEqual(actions[0].diagnostics, [diag]);
  await vscodeStub.workspace.applyEdit(actions[0].edit);
  assert.match(doc.text, /dense\(\{ units: 10, activation: 'softmax' \}\)/);
  await settle();
  assert.deepEqual(diagnosticsOf(doc), []);
});

test('settings: lint.enabled off clears the Problems panel; closing a document clears its diagnostics', async () => {
  doc.text = doc.text.replace("kernelInitializer: 'heNormal'", "kernelInitializer: 'zeros'");
  doc.version++;
  changed.fire({ document: doc });
  await settle();
  assert.deepEqual(
    diagnosticsOf(doc).map(d => d.code),
    ['constant-init'],
  );
  settings['lint.enabled'] = false;
  configChanged.fire({ affectsConfiguration: s => s.startsWith('trainingLens') });
  assert.deepEqual(diagnosticsOf(doc), []);
  delete settings['lint.enabled'];
  configChanged.fire({ affectsConfiguration: s => s.startsWith('trainingLens') });
  assert.equal(diagnosticsOf(doc).length, 1);
  settings['lint.rules'] = { 'constant-init': 'warning' };
  configChanged.fire({ affectsConfiguration: s => s.startsWith('trainingLens') });
  assert.equal(diagnosticsOf(doc)[0].severity, 1);
  delete settings['lint.rules'];
  doc.isClosed = true;
  closed.fire(doc);
  assert.equal(collections[0].has(doc.uri.toString()), false);
});

test("a run's fit-start guideline finding that lint already shows on that line is listed once; it shows again when lint no longer does", async () => {
  const saved = providers.actions;
  const { RuntimeFindings } = await import('../../extension/runtimeFindings');
  const deep = new Doc(Uri.file('/ws/deep.ts'), MODEL);
  docs.push(deep);
  opened.fire(deep);
  assert.deepEqual(
    diagnosticsOf(deep).map(d => `${d.code}@${d.range.start.line + 1}`),
    ['init-activation-mismatch@4', 'output-activation-loss@5'],
  );
  const events = new EventEmitter<{ runId: string; event: unknown }>();
  const runs = {
    onRunInfo: new EventEmitter<unknown>().event,
    onEvent: events.event,
    isVariant: () => false,
    infoOf: () => ({ jobFile: deep.uri.fsPath }),
  };
  const runtime = new RuntimeFindings(runs as never);
  providers.actions = saved;
  const finding = (code: string, line: number, layer: string | undefined, source: 'static' | 'runtime') => ({
    kind: 'finding',
    finding: {
      code,
      severity: 'warning',
      source,
      message: code,
      layer,
      file: deep.uri.fsPath,
      range: { start: { file: deep.uri.fsPath, line } },
      evidence: {},
      rule: 'a source',
    },
  });
  events.fire({ runId: 'r1', event: finding('init-activation-mismatch', 4, 'dense_Dense1', 'static') }); // lint shows it
  events.fire({ runId: 'r1', event: finding('saturating-hidden-activation', 4, 'dense_Dense1', 'static') }); // lint does not
  events.fire({ runId: 'r1', event: finding('dead-relu', 4, 'dense_Dense1', 'runtime') });
  const runtimeOf = () =>
    ((collections.at(-1)!.get(deep.uri.toString()) ?? []) as { code: string }[]).map(d => d.code).sort();
  assert.deepEqual(runtimeOf(), ['dead-relu', 'saturating-hidden-activation']);
  // the run's findings go through the same conversion as lint's, with the advice and source in the message
  const deadRelu = (collections.at(-1)!.get(deep.uri.toString()) as ReturnType<typeof diagnosticsOf>).find(
    d => d.code === 'dead-relu',
  )!;
  const lintEntry = diagnosticsOf(deep).find(d => d.code === 'init-activation-mismatch')!;
  assert.equal(deadRelu.source, 'Training Lens', 'runtime diagnostic source');
  assert.equal(deadRelu.message, 'dead-relu\n(a source)', 'runtime diagnostic message: finding message, then its rule');
  assert.equal(deadRelu.range.start.line, 3, 'runtime diagnostic: on the finding line (4, 0-based 3)');
  assert.equal(
    deadRelu.range.end.character,
    MODEL.split('\n')[3].length,
    'runtime diagnostic placed by its line only: spans the rest of the line',
  );
  assert.ok(!lintEntry.message.includes('\n('), `lint diagnostic message has no rule suffix: ${lintEntry.message}`);
  settings['lint.enabled'] = false;
  configChanged.fire({ affectsConfiguration: s => s.startsWith('trainingLens') });
  assert.deepEqual(
    runtimeOf(),
    ['dead-relu', 'init-activation-mismatch', 'saturating-hidden-activation'],
    "lint off: the run's finding is the only one left",
  );
  delete settings['lint.enabled'];
  configChanged.fire({ affectsConfiguration: s => s.startsWith('trainingLens') });
  assert.deepEqual(runtimeOf(), ['dead-relu', 'saturating-hidden-activation']);
  settings['lint.rules'] = { 'saturating-hidden-activation': 'off' };
  configChanged.fire({ affectsConfiguration: s => s.startsWith('trainingLens') });
  assert.deepEqual(runtimeOf(), ['dead-relu'], 'a code switched off for lint is off for the run too');
  delete settings['lint.rules'];
  configChanged.fire({ affectsConfiguration: s => s.startsWith('trainingLens') });
  assert.deepEqual(runtimeOf(), ['dead-relu', 'saturating-hidden-activation']);
  runtime.dispose();
});
