/**
 * The part of VS Code's webview API the webviews use. `acquireVsCodeApi` may be called once per page; opened outside
 * VS Code (a plain browser, a test page without the stub) messages are logged instead of posted.
 */
export interface VsCodeApi<Message, State> {
  postMessage(message: Message): void;
  getState(): State | undefined;
  setState(state: State): State;
}

declare global {
  function acquireVsCodeApi(): VsCodeApi<unknown, unknown>;
}

export function getVsCodeApi<Message, State>(): VsCodeApi<Message, State> {
  if (typeof acquireVsCodeApi === 'function') return acquireVsCodeApi() as VsCodeApi<Message, State>;
  let state: State | undefined;
  return {
    postMessage: m => console.info('[training-lens] would post', m),
    getState: () => state,
    setState: s => (state = s),
  };
}
