/**
 * "Training Lens: Compare Optimizers": a panel showing the paths of eight optimizers on 2-D surfaces. The host owns
 * the controls' state and the last result and replays both on `ready` (first load, reload, re-shown panel); the
 * paths are computed in a child process (src/playground/child.ts -> dist/playground.js) with the toolkit's
 * optimizers on tfjs, never on the extension host's thread. The child lives as long as the panel.
 */
import * as vscode from 'vscode';
import { PanelHost } from './panelHost';
import {
  DEFAULT_PLAYGROUND_REQUEST,
  parsePlaygroundRequest,
  parsePlaygroundToHost,
  type HostToPlayground,
  type PlaygroundRequest,
  type PlaygroundResult,
} from '../src/protocol/playground';
import { PlaygroundProcess, playgroundEntry } from '../src/playground/process';

export const PLAYGROUND_COMMAND = 'trainingLens.compareOptimizers';
export const PLAYGROUND_VIEW_TYPE = 'trainingLens.playground';
const STATE_KEY = 'trainingLens.playground.request';

const sameRequest = (a: PlaygroundRequest, b: PlaygroundRequest): boolean => JSON.stringify(a) === JSON.stringify(b);

export class Playground extends PanelHost<HostToPlayground> {
  private child: PlaygroundProcess | undefined;
  private request: PlaygroundRequest;
  private result: PlaygroundResult | null = null;

  constructor(
    context: vscode.ExtensionContext,
    private readonly output: vscode.LogOutputChannel,
  ) {
    super(context, PLAYGROUND_VIEW_TYPE, {
      script: 'playground-webview.js',
      style: 'playground.css',
      placeholder: 'Computing the optimizer paths\u2026',
    });
    // a request saved by an older version may not fit today's schema: start from the default then
    const saved = parsePlaygroundRequest(context.globalState.get(STATE_KEY));
    this.request = saved.ok ? saved.value : DEFAULT_PLAYGROUND_REQUEST;
    // the panel comes back after Reload Window (no retainContextWhenHidden: the host replays on `ready`)
    this.registerSerializer(panel => this.restore(panel));
  }

  show(): void {
    if (this.panel) {
      this.panel.reveal();
      return;
    }
    this.openPanel(vscode.ViewColumn.Active, false);
  }

  /** A panel VS Code restored after a reload (the serializer): same content, recomputed from the saved controls. */
  restore(panel: vscode.WebviewPanel): void {
    if (this.panel) {
      panel.dispose();
      this.panel.reveal();
      return;
    } // one playground at a time
    this.attach(panel);
  }

  protected title(): string {
    return 'Compare Optimizers';
  }

  /** The child that computes the paths lives as long as the panel. */
  protected onAttached(): void {
    this.child = new PlaygroundProcess(playgroundEntry(vscode.Uri.joinPath(this.context.extensionUri, 'dist').fsPath));
    this.compute();
  }

  protected onDetached(): void {
    this.child?.dispose();
    this.child = undefined;
  }

  protected onMessage(raw: unknown): void {
    const r = parsePlaygroundToHost(raw);
    if (!r.ok) {
      this.output.warn(`Compare Optimizers sent an invalid message: ${r.reason}`);
      return;
    }
    const msg = r.value;
    switch (msg.type) {
      case 'ready':
        this.post({
          type: 'state',
          request: this.request,
          result: this.result && sameRequest(this.result.request, this.request) ? this.result : null,
        });
        break;
      case 'request':
        this.request = msg.request;
        void this.context.globalState.update(STATE_KEY, this.request);
        this.post({ type: 'computing', request: this.request });
        this.compute();
        break;
      case 'error':
        this.output.error(`Compare Optimizers: ${msg.message}`);
        break;
    }
  }

  private compute(): void {
    const child = this.child;
    if (!child) return;
    const request = this.request;
    if (this.result && sameRequest(this.result.request, request)) {
      this.post({ type: 'state', request, result: this.result });
      return;
    }
    child.compute(request).then(
      outcome => {
        if (outcome.kind !== 'result' || !sameRequest(request, this.request)) return;
        this.result = outcome.result;
        this.output.info(
          `Compare Optimizers: ${request.surface}, ${request.steps} steps, lr ×${request.lrScale}: ${Math.round(outcome.result.computeMs)} ms on ${outcome.result.backend}`,
        );
        this.post({ type: 'state', request, result: outcome.result });
      },
      (e: Error) => {
        if (!sameRequest(request, this.request)) return;
        this.output.error(`Compare Optimizers: ${e.message}`);
        this.post({ type: 'failed', request, message: e.message });
      },
    );
  }

  dispose(): void {
    super.dispose();
    this.child?.dispose();
  }
}

export function registerPlayground(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): Playground {
  const playground = new Playground(context, output);
  context.subscriptions.push(
    playground,
    vscode.commands.registerCommand(PLAYGROUND_COMMAND, () => playground.show()),
  );
  return playground;
}
