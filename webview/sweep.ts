/**
 * Sweep panel webview: the Best-N table of a hyper-parameter sweep (rank, metric, every searched hyper-parameter,
 * status, duration), sortable by any column (buttons in the headers, so the keyboard works), live as trials
 * finish. The host owns the sweep; this page only displays it and asks for things (open a run, overlay the top K,
 * stop). Clicking a row (or Enter on it) opens that run in the dashboard.
 */
import './zod-jitless'; // first: must run before zod loads
import './sweep.css';
// native-looking VS Code controls (Lit web components; each import defines one custom element)
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { parseSweepHostMessage, type SweepRecord, type SweepTrial, type SweepWebviewToHost } from '../src/protocol';
import { el } from './dom';
import { formatDimension } from './format';
import { getVsCodeApi } from './vscode-api';
import { axesOf, insideBrushes, parcoords, type Brushes } from './sweep-parcoords';
import { importanceFigure } from './sweep-importance';
import { columns, type Column } from './sweep-columns';

interface SortState {
  column: string;
  descending: boolean;
}
interface SavedState {
  v: 1;
  sort: SortState;
  topK?: number;
}

const api = getVsCodeApi<SweepWebviewToHost, SavedState>();
const post = (m: SweepWebviewToHost): void => api.postMessage(m);

const saved = api.getState();
let sort: SortState =
  saved?.v === 1 && typeof saved.sort?.column === 'string' ? saved.sort : { column: 'rank', descending: false };
let topK = saved?.v === 1 && typeof saved.topK === 'number' ? saved.topK : 3;
let sweep: SweepRecord | undefined;
/** parallel-coordinates brushes: they filter the table and what "Overlay top K" overlays */
const brushes: Brushes = new Map();
/** a brush is being dragged: live updates wait (a re-render would drop the drag) */
let dragging = false;
let renderPending = false;
const app = document.getElementById('app') ?? document.body;

function save(): void {
  api.setState({ v: 1, sort, topK });
}

function sortedTrials(s: SweepRecord, cols: Column[]): SweepTrial[] {
  const col = cols.find(c => c.id === sort.column) ?? cols[0];
  const dir = sort.descending ? -1 : 1;
  return [...s.trials].sort((a, b) => {
    const x = col.key(a),
      y = col.key(b);
    if (x === undefined || y === undefined) return x === y ? a.trial - b.trial : x === undefined ? 1 : -1;
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return c * dir || a.trial - b.trial;
  });
}

function onSort(column: string): void {
  sort = sort.column === column ? { column, descending: !sort.descending } : { column, descending: false };
  save();
  render();
}

/** What has the keyboard focus, as a selector that finds its re-rendered twin (the table is rebuilt on every update). */
function focusedSelector(): string | undefined {
  const a = document.activeElement;
  if (a instanceof SVGElement && a.dataset.axis && app.contains(a))
    return `#parcoords rect.hit[data-axis="${CSS.escape(a.dataset.axis)}"]`;
  if (!(a instanceof HTMLElement) || !app.contains(a)) return undefined;
  if (a.id) return `#${CSS.escape(a.id)}`;
  const th = a.closest<HTMLElement>('th[data-col]');
  if (th) return `th[data-col="${CSS.escape(th.dataset.col!)}"] button`;
  const tr = a.closest<HTMLElement>('tr[data-trial]');
  if (tr) return `tr[data-trial="${CSS.escape(tr.dataset.trial!)}"]`;
  return undefined;
}

function rankedRunIds(s: SweepRecord, keep: (t: SweepTrial) => boolean): string[] {
  return s.trials
    .filter(t => t.rank !== null && t.runId && keep(t))
    .sort((a, b) => a.rank! - b.rank!)
    .map(t => t.runId!);
}

function render(): void {
  const s = sweep;
  if (!s) return;
  const focused = focusedSelector();
  const cols = columns(s);
  const finished = s.trials.filter(t => t.status !== 'pending' && t.status !== 'running').length;
  const job = s.jobFile.split(/[\\/]/).pop() ?? s.jobFile;
  const axes = axesOf(s);
  const keep = (t: SweepTrial) => insideBrushes(t, axes, brushes);
  const ranked = rankedRunIds(s, keep);

  const heading = el(
    'header',
    { className: 'header' },
    el('h1', {}, `Sweep · ${job}`),
    el(
      'p',
      { className: 'meta' },
      `${s.trials.length} trials, ${s.epochs} epoch${s.epochs > 1 ? 's' : ''} each${s.cv ? `, ${s.cv}-fold cross-validation (mean ± std)` : ''}, ${s.concurrency} at a time · seed ${s.seed}`,
      s.scheduler && s.scheduler.kind !== 'none'
        ? ` · ${s.scheduler.kind} (η ${s.scheduler.eta}, from ${s.scheduler.minEpochs} epoch${s.scheduler.minEpochs > 1 ? 's' : ''})`
        : '',
      s.budget ? ` · budget ${s.budget} epochs, spent ${s.trials.reduce((n, t) => n + t.epochsDone, 0)}` : '',
      ' · ',
      Object.entries(s.space)
        .map(([n, d]) => `${n} ${formatDimension(d)}`)
        .join(', '),
      s.metric
        ? ` · ranked by the best ${s.metric.name} of each trial (${s.metric.higherIsBetter ? 'higher' : 'lower'} is better)`
        : '',
    ),
  );

  // a scheduler draws trials until its epoch budget is spent: the budget is the measure of progress
  const spent = s.trials.reduce((n, t) => n + t.epochsDone, 0);
  const progress =
    s.scheduler && s.budget
      ? el('progress', { max: s.budget, value: s.status === 'done' ? s.budget : Math.min(spent, s.budget) })
      : el('progress', { max: s.trials.length, value: finished });
  progress.setAttribute('aria-label', s.scheduler ? 'epoch budget spent' : 'trials finished');
  const statusText =
    s.status === 'running'
      ? `${finished}/${s.trials.length} trials finished`
      : s.status === 'done'
        ? `done: ${finished} trials`
        : `stopped after ${s.trials.filter(t => t.status === 'ok').length} finished trials`;
  const controls = el(
    'div',
    { className: 'controls' },
    progress,
    el('span', { className: 'status', dataset: { status: s.status } }, statusText),
  );
  if (s.status === 'running') {
    controls.append(
      el('vscode-button', { secondary: true, id: 'stop', onclick: () => post({ type: 'stop' }) }, 'Stop sweep'),
    );
  }
  if (s.status === 'cancelled') {
    controls.append(
      el(
        'vscode-button',
        {
          secondary: true,
          id: 'continue',
          title: 'Run the trials this sweep did not finish (the same seed gives the same trials)',
          onclick: () => post({ type: 'continue' }),
        },
        'Continue',
      ),
    );
  }
  const kInput = el('vscode-textfield', {
    type: 'number',
    id: 'top-k',
    min: 1,
    max: Math.max(1, ranked.length),
    value: String(Math.max(1, Math.min(topK, ranked.length || topK))),
    label: 'K: how many of the best trials to overlay',
  });
  // track what is typed, not only what is committed: a live update rebuilds the field from `topK`
  const takeK = (): void => {
    topK = Math.max(1, Math.floor(Number(kInput.value) || 1));
    save();
  };
  kInput.addEventListener('input', takeK);
  kInput.addEventListener('change', takeK);
  const overlay = el(
    'vscode-button',
    {
      id: 'overlay',
      disabled: ranked.length === 0,
      title: 'Open the dashboard with the curves of the best K trials overlaid',
      onclick: () => {
        const k = Math.max(1, Math.floor(Number(kInput.value) || 1));
        if (ranked.length) post({ type: 'overlay', runIds: ranked.slice(0, k) });
      },
    },
    'Overlay top K',
  );
  controls.append(el('label', { className: 'k' }, 'K ', kInput), overlay);

  const head = el(
    'tr',
    {},
    ...cols.map(c => {
      const th = el(
        'th',
        { scope: 'col', className: c.numeric ? 'num' : '', dataset: { col: c.id } },
        el(
          'button',
          { type: 'button', className: 'sort', onclick: () => onSort(c.id), title: `Sort by ${c.label}` },
          c.label,
          el(
            'span',
            { className: 'arrow', ariaHidden: 'true' },
            sort.column === c.id ? (sort.descending ? ' ▼' : ' ▲') : '',
          ),
        ),
      );
      th.setAttribute('aria-sort', sort.column === c.id ? (sort.descending ? 'descending' : 'ascending') : 'none');
      return th;
    }),
  );
  const shown = sortedTrials(s, cols).filter(keep);
  const rows = shown.map(t => {
    const tr = el(
      'tr',
      { dataset: { trial: String(t.trial), status: t.status, ...(t.runId ? { runId: t.runId } : {}) } },
      ...cols.map(c => el('td', { className: c.numeric ? 'num' : '', dataset: { col: c.id } }, c.cell(t))),
    );
    if (t.error) tr.title = t.error.message;
    if (t.runId) {
      const runId = t.runId;
      tr.tabIndex = 0;
      tr.classList.add('clickable');
      tr.setAttribute('aria-label', `Trial ${t.trial + 1}: open its run`);
      tr.addEventListener('click', () => post({ type: 'open-run', runId }));
      tr.addEventListener('keydown', ev => {
        if (ev.key === 'Enter' || ev.key === ' ') {
          ev.preventDefault();
          post({ type: 'open-run', runId });
        }
      });
    }
    return tr;
  });
  const caption = brushes.size
    ? `Best-N: ${shown.length} of ${s.trials.length} trials inside the brushed ranges; click a row to open its run`
    : 'Best-N: every trial; click a row to open its run';
  const table = el(
    'table',
    { id: 'best' },
    el('caption', {}, caption),
    el('thead', {}, head),
    el('tbody', {}, ...rows),
  );
  app.replaceChildren(heading, controls, figures(s), table);
  if (focused) app.querySelector<HTMLElement | SVGElement>(focused)?.focus();
  document.body.dataset.sort = `${sort.column} ${sort.descending ? 'desc' : 'asc'}`;
}

/** Parallel coordinates (brushable) and the per-parameter importance, side by side. */
function figures(s: SweepRecord): HTMLElement {
  const plot = parcoords(s, brushes, {
    onBrush: (axis, range) => {
      if (range) brushes.set(axis, range);
      else brushes.delete(axis);
      safeRender();
    },
    onDragging: d => {
      dragging = d;
      if (!d && renderPending) safeRender();
    },
  });
  const clear = el(
    'vscode-button',
    {
      secondary: true,
      id: 'clear-brushes',
      disabled: brushes.size === 0,
      onclick: () => {
        brushes.clear();
        safeRender();
      },
    },
    'Clear brushes',
  );
  const pc = el(
    'figure',
    { className: 'parcoords' },
    plot,
    el(
      'figcaption',
      {},
      'Every scored trial across its hyper-parameters and score (best at the top; bold: Best-1..3; dashed: pruned). Drag along an axis to keep a range; click an axis to clear it. ',
      clear,
    ),
  );
  const why = importanceFigure(s);
  const imp = el(
    'figure',
    { className: 'importance' },
    ...(why ? [why] : []),
    el(
      'figcaption',
      {},
      why
        ? `Why: how strongly ${s.metric?.name ?? 'the score'} follows each hyper-parameter over the finished trials (ρ: Spearman rank correlation, for numbers; η: correlation ratio, for choices).`
        : 'Why: shown once three trials have finished with a score.',
    ),
  );
  return el('section', { className: 'figures' }, pc, imp);
}

function safeRender(): void {
  if (dragging) {
    renderPending = true;
    return;
  }
  renderPending = false;
  try {
    render();
  } catch (e) {
    post({ type: 'error', message: `render failed: ${e instanceof Error ? e.message : String(e)}` });
  }
}

window.addEventListener('message', (ev: MessageEvent) => {
  const r = parseSweepHostMessage(ev.data);
  if (!r.ok) {
    post({ type: 'error', message: `invalid host message: ${r.reason}` });
    return;
  }
  sweep = r.value.sweep;
  safeRender();
});
window.addEventListener('error', ev => post({ type: 'error', message: `webview error: ${ev.message}` }));

save();
post({ type: 'ready' });
