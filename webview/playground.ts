/**
 * "Compare Optimizers" webview entry. The host owns the controls' state and computes the paths (in a child
 * process); this page shows them, sends control changes as requests, and keeps only view preferences (hidden
 * paths) in its own state. Every host message is validated; an invalid one is reported and ignored.
 */
import './zod-jitless'; // first: must run before zod loads
import {
  OPTIMIZER_IDS,
  parseHostToPlayground,
  type HostToPlayground,
  type OptimizerId,
  type PlaygroundResult,
  type PlaygroundToHost,
} from '../src/protocol/playground';
import { readTheme, watchTheme, type Theme } from './theme';
import { PlaygroundPlot, playgroundTheme } from './playground-plot';
import { PlaygroundView } from './playground-view';
import { getVsCodeApi } from './vscode-api';

interface SavedState {
  v: 1;
  hidden: OptimizerId[];
}
const api = getVsCodeApi<PlaygroundToHost, SavedState>();
const post = (m: PlaygroundToHost): void => api.postMessage(m);

/** slider drags: wait for a pause before asking the host (it also drops requests a newer one replaced) */
const DRAG_DEBOUNCE_MS = 120;

const saved = api.getState() as Partial<SavedState> | undefined;
const hidden = new Set<OptimizerId>(
  saved?.v === 1 && Array.isArray(saved.hidden)
    ? saved.hidden.filter((h): h is OptimizerId => (OPTIMIZER_IDS as readonly string[]).includes(h))
    : [],
);
const save = (): void => {
  api.setState({ v: 1, hidden: [...hidden] });
};

const themeNow = (t: Theme = readTheme()): Theme => {
  const style = getComputedStyle(document.body);
  return playgroundTheme(t, n => style.getPropertyValue(n));
};
let theme: Theme = themeNow();
let result: PlaygroundResult | null = null;
let debounce: ReturnType<typeof setTimeout> | undefined;

const view = new PlaygroundView(document.getElementById('app') ?? document.body, {
  onRequest(request, immediate) {
    if (debounce) clearTimeout(debounce);
    const send = (): void => {
      post({ type: 'request', request });
    };
    if (immediate) send();
    else debounce = setTimeout(send, DRAG_DEBOUNCE_MS);
  },
  onToggle(id, visible) {
    if (visible) hidden.delete(id);
    else hidden.add(id);
    save();
    view.setHidden(hidden);
    scheduleDraw();
  },
});
const plot = new PlaygroundPlot(view.canvas);
view.setHidden(hidden);
view.setStatus('Starting…', 'busy');

let frame = 0;
function scheduleDraw(): void {
  if (frame === 0) frame = requestAnimationFrame(draw);
}
function draw(): void {
  frame = 0;
  if (!result) return;
  try {
    plot.draw(result, hidden, theme, view.plotWrap.clientWidth || 800);
  } catch (e) {
    reportError('drawing failed', e);
  }
}

function describe(r: PlaygroundResult): string {
  const diverged = r.paths.filter(p => p.divergedAt !== null).map(p => p.label);
  return (
    `${r.paths.length} paths, ${r.request.steps} steps, computed in ${Math.round(r.computeMs)} ms on ${r.backend}` +
    (diverged.length ? ` · diverged: ${diverged.join(', ')}` : '')
  );
}

function handle(msg: HostToPlayground): void {
  switch (msg.type) {
    case 'state':
      view.setRequest(msg.request);
      result = msg.result;
      if (result) {
        view.showResult(result, theme);
        view.setStatus(describe(result), 'ok');
        scheduleDraw();
      } else view.setStatus('Computing…', 'busy');
      break;
    case 'computing':
      view.setRequest(msg.request);
      view.setStatus('Computing…', 'busy');
      break;
    case 'failed':
      view.setStatus(`Could not compute the paths: ${msg.message}`, 'error');
      break;
  }
}

function reportError(what: string, e: unknown): void {
  const message = `${what}: ${e instanceof Error ? e.message : String(e)}`;
  console.warn(`[training-lens] ${message}`);
  post({ type: 'error', message });
}

window.addEventListener('message', (ev: MessageEvent) => {
  const parsed = parseHostToPlayground(ev.data);
  if (!parsed.ok) {
    post({ type: 'error', message: `invalid host message: ${parsed.reason}` });
    return;
  }
  try {
    handle(parsed.value);
  } catch (e) {
    reportError(`handling ${parsed.value.type} failed`, e);
  }
});
window.addEventListener('error', ev => post({ type: 'error', message: `webview error: ${ev.message}` }));

new ResizeObserver(() => scheduleDraw()).observe(view.plotWrap);
watchTheme(t => {
  theme = themeNow(t);
  if (result) view.showResult(result, theme);
  scheduleDraw();
});

save();
post({ type: 'ready' });
