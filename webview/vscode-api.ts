/** The part of VS Code's webview API the dashboard uses (`acquireVsCodeApi` may be called once per page). */
import type { WebviewToHost } from '../src/protocol';

export interface VsCodeApi<S> {
  postMessage(message: WebviewToHost): void;
  getState(): S | undefined;
  setState(state: S): S;
}

declare global {
  function acquireVsCodeApi<S = unknown>(): VsCodeApi<S>;
}

export function getVsCodeApi<S>(): VsCodeApi<S> {
  if (typeof acquireVsCodeApi === 'function') return acquireVsCodeApi<S>();
  // opened outside VS Code (e.g. a plain browser): log instead of posting
  let state: S | undefined;
  return {
    postMessage: m => console.info('[training-lens] would post', m),
    getState: () => state,
    setState: s => (state = s),
  };
}
