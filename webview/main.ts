/**
 * Dashboard webview entry: wires the VS Code API, validated host messages, the store and the views.
 * Host messages only mutate the store; drawing happens at most once per animation frame.
 */
import './zod-jitless'; // first: must run before zod loads
// defines <vscode-button> (webview/vscode-controls.ts makes them); importing only this component keeps the bundle small
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { parseHostMessage, type Finding, type HostToWebview, type WebviewToHost } from '../src/protocol';
import { DashboardStore, type XAxisMode } from './dashboardState';
import { ChartsView, MAX_HIDDEN } from './charts';
import { HistogramsView } from './histograms';
import { ClassesView } from './classes';
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

const vscode = getVsCodeApi<WebviewToHost, SavedState>();
const post = (m: WebviewToHost): void => vscode.postMessage(m);

const saved = vscode.getState();
const ok = saved?.v === 1;
const prefs = {
  logLoss: ok ? saved.logLoss === true : false,
  modelOpen: ok ? saved.modelOpen !== false : true,
  smoothing: ok && typeof saved.smoothing === 'number' ? clampWeight(saved.smoothing) : SMOOTHING_DEFAULT,
  xAxis: (ok && (saved.xAxis === 'epoch' || saved.xAxis === 'time') ? saved.xAxis : 'step') as XAxisMode,
  hidden:
    ok && Array.isArray(saved.hidden)
      ? saved.hidden.filter((h): h is string => typeof h === 'string').slice(-MAX_HIDDEN)
      : [],
};
const save = (): void => {
  vscode.setState({
    v: 1,
    logLoss: prefs.logLoss,
    modelOpen: prefs.modelOpen,
    smoothing: prefs.smoothing,
    xAxis: prefs.xAxis,
    hidden: prefs.hidden,
  });
};

let theme: Theme = readTheme();
document.documentElement.dataset.theme = theme.kind;
const store = new DashboardStore();
const view = new DashboardView(document.getElementById('app') ?? document.body, post, prefs, save);
const charts = new ChartsView(view.charts, theme, prefs, save);
const histograms = new HistogramsView(view.charts, theme);
const classes = new ClassesView(view.charts); // after the line charts, before the histograms
classes.onNeedsDraw = () => scheduleRender();
charts.onNeedsDraw = () => scheduleRender();
histograms.onNeedsDraw = () => scheduleRender();

/** a frame at 60 Hz */
const FRAME_MS = 16;
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
    classes.render(store);
    // line charts first: heatmaps wait for a frame with time left (charts still pending means another frame comes)
    if (charts.pending === 0 || performance.now() - t0 < FRAME_MS / 2) histograms.render(store);
  } catch (e) {
    reportError('render failed', e);
  }
  // how long the last render took (bench/webview.ts reads it)
  document.body.dataset.renderMs = (performance.now() - t0).toFixed(2);
  document.body.dataset.renders = String(++renders);
  // charts out of view left for later frames
  if (charts.pending > 0 || histograms.pending > 0) scheduleRender();
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
    case 'history':
      store.appendHistory(msg.runId, msg.history);
      break;
    case 'run-info':
      store.setRunInfo(msg.run);
      break;
  }
}

/**
 * Host messages wait here while a long replay yields to the browser: after about a frame's worth of handling, the
 * charts are drawn with what arrived so far before the next messages are handled (in order: live events queue
 * behind the history they follow).
 */
const queue: unknown[] = [];
const SLICE_MS = 16;
let yielding = false;
let handledMs = 0;

window.addEventListener('message', (ev: MessageEvent) => {
  const t0 = performance.now();
  queue.push(ev.data);
  if (!yielding) drain();
  // validation + store time of this message (bench/webview.ts reads it), and the running total with queued ones
  document.body.dataset.handleMs = (performance.now() - t0).toFixed(2);
});

function drain(): void {
  yielding = false;
  const t0 = performance.now();
  while (queue.length > 0) {
    // validated when its turn comes (a queued message costs nothing before the next frame)
    const parsed = parseHostMessage(queue.shift());
    if (!parsed.ok) {
      post({ type: 'error', message: `invalid host message: ${parsed.reason}` });
      continue;
    }
    try {
      handle(parsed.value);
    } catch (e) {
      reportError(`handling ${parsed.value.type} failed`, e);
    }
    scheduleRender();
    if (performance.now() - t0 > SLICE_MS) {
      yielding = true;
      const resume = (): void => {
        if (yielding) drain();
      };
      // after the frame that shows this; a webview that draws no frames still catches up
      requestAnimationFrame(() => setTimeout(resume, 0));
      setTimeout(resume, 250);
      break;
    }
  }
  handledMs += performance.now() - t0;
  document.body.dataset.handledMs = handledMs.toFixed(1);
  document.body.dataset.queued = String(queue.length);
}

document.addEventListener('tl-select-finding', ev => {
  const f = (ev as CustomEvent<Finding>).detail;
  charts.highlight(f.held ? { fromStep: f.held.fromStep, toStep: f.held.toStep } : undefined, f.code);
});

window.addEventListener('error', ev => post({ type: 'error', message: `webview error: ${ev.message}` }));
window.addEventListener('unhandledrejection', ev =>
  post({ type: 'error', message: `webview error: ${String(ev.reason)}` }),
);

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
