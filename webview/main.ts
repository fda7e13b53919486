/**
 * Dashboard webview entry: wires the VS Code API, validated host messages, the store and the views.
 * Host messages only mutate the store; drawing happens at most once per animation frame.
 */
import './zod-jitless'; // first: must run before zod loads
import { parseHostMessage, type Finding, type HostToWebview, type WebviewToHost } from '../src/protocol';
import { DashboardStore, type XAxisMode } from './store';
import { ChartsView, MAX_HIDDEN } from './charts';
import { HistogramsView } from './histograms';
import { SMOOTHING_DEFAULT, clampWeight } from './smoothing';
import { DashboardView } from './view';
import { readTheme, watchTheme, type Theme } from './theme';
import { getVsCodeApi } from './vscode-api';

/** Kept small on purpose: VS Code stores it with the panel. */
interface SavedState {
  v: 1;
  logLoss: boolean;
  modelOpen: boolean;
  smoothing?: number;
  xAxis?: XAxisMode;
  /** `${chartId}|${seriesKey}`, at most MAX_HIDDEN */
  hidden?: string[];
}

const vscode = getVsCodeApi<SavedState>();
const post = (m: WebviewToHost): void => vscode.postMessage(m);

const saved = vscode.getState();
const ok = saved?.v === 1;
const prefs = {
  logLoss: ok ? saved.logLoss === true : false,
  modelOpen: ok ? saved.modelOpen !== false : true,
  smoothing: ok && typeof saved.smoothing === 'number' ? clampWeight(saved.smoothing) : SMOOTHING_DEFAULT,
  xAxis: (ok && (saved.xAxis === 'epoch' || saved.xAxis === 'time') ? saved.xAxis : 'step') as XAxisMode,
  hidden: ok && Array.isArray(saved.hidden) ? saved.hidden.filter((h): h is string => typeof h === 'string').slice(-MAX_HIDDEN) : [],
};
const save = (): void => {
  vscode.setState({ v: 1, logLoss: prefs.logLoss, modelOpen: prefs.modelOpen, smoothing: prefs.smoothing, xAxis: prefs.xAxis, hidden: prefs.hidden });
};

let theme: Theme = readTheme();
document.documentElement.dataset.theme = theme.kind;
const store = new DashboardStore();
const view = new DashboardView(document.getElementById('app') ?? document.body, post, prefs, save);
const charts = new ChartsView(view.charts, theme, prefs, save);
const histograms = new HistogramsView(view.charts, theme);

let frame = 0;
let renders = 0;
function scheduleRender(): void {
  if (frame === 0) frame = requestAnimationFrame(render);
}

function render(): void {
  frame = 0;
  const t0 = performance.now();
  try {
    view.render(store, theme);
    charts.render(store);
    histograms.render(store);
  } catch (e) {
    reportError('render failed', e);
  }
  // how long the last render took (bench/webview.ts reads it)
  document.body.dataset.renderMs = (performance.now() - t0).toFixed(2);
  document.body.dataset.renders = String(++renders);
}

function reportError(what: string, e: unknown): void {
  const message = `${what}: ${e instanceof Error ? e.message : String(e)}`;
  console.warn(`[training-lens] ${message}`);
  post({ type: 'error', message });
}

function handle(msg: HostToWebview): void {
  switch (msg.type) {
    case 'reset':
      store.reset(msg.runs);
      break;
    case 'events':
      store.appendEvents(msg.runId, msg.events);
      break;
    case 'run-info':
      store.setRunInfo(msg.run);
      break;
  }
}

window.addEventListener('message', (ev: MessageEvent) => {
  const t0 = performance.now();
  handleMessage(ev);
  document.body.dataset.handleMs = (performance.now() - t0).toFixed(2);
});

function handleMessage(ev: MessageEvent): void {
  const parsed = parseHostMessage(ev.data);
  if (!parsed.ok) {
    post({ type: 'error', message: `invalid host message: ${parsed.reason}` });
    return;
  }
  try {
    handle(parsed.value);
  } catch (e) {
    reportError(`handling ${parsed.value.type} failed`, e);
  }
  scheduleRender();
}

document.addEventListener('tl-select-finding', ev => {
  const f = (ev as CustomEvent<Finding>).detail;
  charts.highlight(f.held ? { fromStep: f.held.fromStep, toStep: f.held.toStep } : undefined, f.code);
});

window.addEventListener('error', ev => post({ type: 'error', message: `webview error: ${ev.message}` }));
window.addEventListener('unhandledrejection', ev => post({ type: 'error', message: `webview error: ${String(ev.reason)}` }));

watchTheme(t => {
  theme = t;
  document.documentElement.dataset.theme = t.kind;
  charts.setTheme(t, store);
  histograms.setTheme(t);
  scheduleRender();
});

save();
scheduleRender();
post({ type: 'ready' });
