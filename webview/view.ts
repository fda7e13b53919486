/**
 * The non-chart DOM: header (job, backend, status, epoch/step, loss), error link, run list (compare mode),
 * findings, model table, empty state. Built with createElement/textContent only (no HTML injection).
 */
import { describeParams, type Finding, type WebviewToHost } from '../src/protocol';
import { displayStatus, type DashboardStore, type RunState } from './dashboardState';
import { seriesColor, type Theme } from './theme';
import { basename, formatDuration, formatExplains, formatInt, formatNumber } from './format';
import { vscodeButton, type VscodeButton } from './vscode-controls';
import { el } from './dom';
import { paramTotalsRow, trainableCell } from './modelTable';

export interface ViewPrefs {
  modelOpen: boolean;
}

type Post = (m: WebviewToHost) => void;

function fact(label: string, id: string): { wrap: HTMLElement; value: HTMLElement } {
  const value = el('dd', { id, text: '–' });
  return { wrap: el('div', { className: 'fact' }, el('dt', { text: label }), value), value };
}

export class DashboardView {
  readonly charts: HTMLElement;
  private readonly jobFile: HTMLElement;
  private readonly status: HTMLElement;
  private readonly stop: VscodeButton;
  private readonly backend: HTMLElement;
  private readonly epoch: HTMLElement;
  private readonly step: HTMLElement;
  private readonly loss: HTMLElement;
  private readonly optimizer: HTMLElement;
  private readonly duration: HTMLElement;
  private readonly error: HTMLButtonElement;
  private readonly runList: HTMLElement;
  private readonly findings: HTMLElement;
  private readonly model: HTMLDetailsElement;
  private readonly modelSummary: HTMLElement;
  private readonly modelBody: HTMLElement;
  private readonly modelFoot: HTMLElement;
  private readonly empty: HTMLElement;
  private modelKey = '';
  private findingsKey = '';
  private runListKey = '';
  private errorTarget: { file: string; line: number } | undefined;
  private stopRunId: string | undefined;

  constructor(
    root: HTMLElement,
    private readonly post: Post,
    private readonly prefs: ViewPrefs,
    private readonly onPrefsChange: () => void,
  ) {
    root.textContent = '';
    this.jobFile = el('h1', { id: 'job-file', text: 'Training Lens' });
    this.status = el('span', { id: 'run-status', className: 'status', text: 'idle' });
    this.stop = vscodeButton('Stop', { id: 'stop-run', title: 'Stop this run' });
    this.stop.hidden = true;
    this.stop.addEventListener('click', () => {
      if (this.stopRunId) this.post({ type: 'stop-run', runId: this.stopRunId });
    });
    const backend = fact('Backend', 'run-backend');
    const epoch = fact('Epoch', 'run-epoch');
    const step = fact('Step', 'run-step');
    const loss = fact('Loss', 'run-loss');
    const optimizer = fact('Optimizer', 'run-optimizer');
    const duration = fact('Time', 'run-time');
    this.backend = backend.value;
    this.epoch = epoch.value;
    this.step = step.value;
    this.loss = loss.value;
    this.optimizer = optimizer.value;
    this.duration = duration.value;
    this.error = el('button', { id: 'run-error', className: 'run-error' });
    this.error.type = 'button';
    this.error.hidden = true;
    this.error.addEventListener('click', () => {
      if (this.errorTarget)
        this.post({ type: 'open-source', file: this.errorTarget.file, line: this.errorTarget.line });
    });
    this.runList = el('ul', { id: 'run-list', className: 'run-list' });
    this.runList.hidden = true;
    const header = el(
      'header',
      { className: 'header' },
      el('div', { className: 'title-row' }, this.jobFile, this.status, this.stop),
      el('dl', { className: 'facts' }, backend.wrap, epoch.wrap, step.wrap, loss.wrap, optimizer.wrap, duration.wrap),
      this.error,
      this.runList,
    );
    this.findings = el('ul', { id: 'findings', className: 'findings' });
    this.findings.hidden = true;
    this.modelSummary = el('summary', { text: 'Model' });
    this.modelBody = el('tbody');
    this.modelFoot = el('tfoot');
    const head = el(
      'thead',
      {},
      el(
        'tr',
        {},
        ...[
          'Layer',
          'Class',
          'Activation',
          'Initializer',
          'Units',
          'Params',
          'Initializer for the activation (G1)',
          'Trainable',
        ].map(h => el('th', { text: h })),
      ),
    );
    this.model = el(
      'details',
      { id: 'model', className: 'model' },
      this.modelSummary,
      el('table', { id: 'model-table' }, head, this.modelBody, this.modelFoot),
    );
    this.model.open = prefs.modelOpen;
    this.model.hidden = true;
    this.model.addEventListener('toggle', () => {
      if (this.prefs.modelOpen !== this.model.open) {
        this.prefs.modelOpen = this.model.open;
        this.onPrefsChange();
      }
    });
    this.empty = el('p', { id: 'empty', className: 'empty', text: 'Waiting for the first batch\u2026' });
    this.charts = el('main', { id: 'charts', className: 'charts' });
    root.append(header, this.findings, this.model, this.empty, this.charts);
  }

  render(store: DashboardStore, theme: Theme): void {
    const run = store.primary();
    this.empty.hidden = store.hasData();
    const ended = run !== undefined && displayStatus(run) !== 'running';
    this.empty.textContent = ended ? 'The run ended before its first batch.' : 'Waiting for the first batch\u2026';
    if (!run) {
      this.jobFile.textContent = 'Training Lens';
      this.setStatus('idle');
      this.stop.hidden = true;
      this.error.hidden = true;
      this.model.hidden = true;
      this.findings.hidden = true;
      this.runList.hidden = true;
      return;
    }
    const jobFile = run.runStart?.jobFile || run.info.jobFile;
    this.jobFile.textContent = jobFile ? basename(jobFile) : run.info.label;
    this.jobFile.title = jobFile;
    const status = displayStatus(run);
    this.setStatus(status);
    this.stopRunId = status === 'running' ? run.info.runId : undefined;
    this.stop.hidden = status !== 'running';
    this.backend.textContent = run.runStart?.backend ?? '–';
    this.backend.title = run.runStart?.backendNotes.join('\n') ?? '';
    const fit = run.fitStart;
    const b = run.lastBatch;
    const epochs = fit?.epochs;
    const epochNow = b ? b.epoch + 1 : run.lastEpoch ? run.lastEpoch.epoch + 1 : undefined;
    this.epoch.textContent = epochNow === undefined ? '–' : epochs ? `${epochNow} / ${epochs}` : String(epochNow);
    const totalSteps = fit?.stepsPerEpoch && fit.epochs ? fit.stepsPerEpoch * fit.epochs : undefined;
    const stepNow = b ? b.step + 1 : run.end?.steps;
    this.step.textContent =
      stepNow === undefined
        ? '–'
        : totalSteps
          ? `${formatInt(stepNow)} / ${formatInt(totalSteps)}`
          : formatInt(stepNow);
    // a run logged per epoch only (a Keras logdir's epoch_loss) has its loss in its last epoch
    const lossNow = b ? b.loss : run.lastEpoch?.logs.loss;
    this.loss.textContent = formatNumber(lossNow, 4);
    this.loss.classList.toggle('bad', lossNow === null);
    this.optimizer.textContent = fit ? fit.optimizer : '–';
    const ms = run.end?.durationMs ?? b?.t ?? run.lastEpoch?.t;
    this.duration.textContent = ms === undefined ? '–' : formatDuration(ms);
    this.renderError(run);
    this.renderRunList(store, theme);
    this.renderFindings(run);
    this.renderModel(run);
  }

  private setStatus(status: string): void {
    this.status.textContent = status;
    this.status.className = `status status-${status}`;
    document.body.dataset.status = status;
  }

  private renderError(run: RunState): void {
    const err = run.end?.error;
    if (!err) {
      this.error.hidden = true;
      this.errorTarget = undefined;
      return;
    }
    const loc = err.location;
    this.errorTarget = loc ? { file: loc.file, line: loc.line } : undefined;
    this.error.textContent = '';
    // "TypeError: x" -> label "TypeError", message "x"; a bare message gets the label "Error"
    const m = /^(\w*Error):\s*([\s\S]*)$/.exec(err.message);
    this.error.append(
      el('span', { className: 'error-label', text: m ? m[1] : 'Error' }),
      ' ',
      el('span', { className: 'error-message', text: m ? m[2] : err.message }),
    );
    if (loc) {
      this.error.append(' ', el('span', { className: 'error-location', text: `${basename(loc.file)}:${loc.line}` }));
      this.error.title = `Open ${loc.file}:${loc.line}${err.stack ? `\n\n${err.stack}` : ''}`;
    } else {
      this.error.title = err.stack ?? err.message;
    }
    this.error.disabled = !loc;
    this.error.hidden = false;
  }

  private renderRunList(store: DashboardStore, theme: Theme): void {
    const runs = [...store.runs.values()];
    const key = JSON.stringify([
      theme.palette,
      runs.map(r => [r.info.label, displayStatus(r), r.lastBatch?.loss ?? null, r.end?.error?.message ?? '']),
    ]);
    if (key === this.runListKey) return;
    this.runListKey = key;
    this.runList.hidden = runs.length < 2;
    if (runs.length < 2) return;
    this.runList.textContent = '';
    runs.forEach((r, i) => {
      const swatch = el('span', { className: 'swatch' });
      swatch.style.backgroundColor = seriesColor(theme, i);
      const status = displayStatus(r);
      const li = el(
        'li',
        {},
        swatch,
        el('span', { className: 'run-label', text: r.info.label, title: r.info.jobFile }),
        el('span', { className: `status status-${status}`, text: status }),
        el('span', { className: 'run-loss', text: r.lastBatch ? `loss ${formatNumber(r.lastBatch.loss, 4)}` : '' }),
      );
      if (r.end?.error) li.title = r.end.error.message;
      li.dataset.runId = r.info.runId;
      this.runList.append(li);
    });
  }

  private renderFindings(run: RunState): void {
    // an `explained` event adds to a finding already shown; a warning may replace an info of the same finding
    const key = `${run.info.runId}:${run.findings.map(f => `${f.severity[0]}${f.explains?.length ?? 0}`).join('')}`;
    if (key === this.findingsKey) return;
    this.findingsKey = key;
    this.findings.textContent = '';
    // newest first, one line each; the Problems panel has the full list
    const shown = run.findings.slice(-8).reverse();
    for (const f of shown) {
      const advice = f.advice?.length ? `\nTry: ${f.advice.join('; ')}` : '';
      const explains = f.explains?.length ? formatExplains(f.explains) : '';
      const li = el(
        'li',
        { className: `finding sev-${f.severity} link`, title: `${f.rule}${advice}` },
        el('span', { className: 'sev', text: f.severity }),
        ' ',
        el('code', { text: f.code }),
        ' ',
        f.message,
      );
      // the symptoms the engine saw and did not raise, because this finding is their cause
      if (explains)
        li.append(
          el('div', {
            className: 'explains',
            text: `Explains: ${explains}`,
            title: f.explains!.map(s => `${s.code}: ${s.message}`).join('\n'),
          }),
        );
      li.tabIndex = 0;
      if (f.held) li.dataset.steps = `${f.held.fromStep}-${f.held.toStep}`;
      // Selecting a finding shades the steps where it held on the charts and reveals its source line.
      const select = (): void => {
        this.findings.querySelectorAll('.finding.selected').forEach(x => x.classList.remove('selected'));
        li.classList.add('selected');
        this.findings.dispatchEvent(new CustomEvent<Finding>('tl-select-finding', { detail: f, bubbles: true }));
        const file = f.file,
          line = f.range?.start.line;
        if (file && line) this.post({ type: 'open-source', file, line });
      };
      li.addEventListener('click', select);
      li.addEventListener('keydown', e => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          select();
        }
      });
      this.findings.append(li);
    }
    this.findings.hidden = shown.length === 0;
  }

  private renderModel(run: RunState): void {
    const fit = run.fitStart;
    const key = fit ? `${run.info.runId}:${fit.seq}` : '';
    if (key === this.modelKey) return;
    this.modelKey = key;
    this.modelBody.textContent = '';
    this.modelFoot.textContent = '';
    // a TensorBoard logdir carries no model: no empty table pretending to be one
    this.model.hidden = !fit || fit.layers.length === 0;
    if (!fit || fit.layers.length === 0) return;
    this.modelSummary.textContent = `Model · ${fit.layers.length} layers · ${describeParams(fit, formatInt)} · ${fit.optimizer}${fit.loss ? ` · ${fit.loss}` : ''}${fit.batchSize ? ` · batch ${fit.batchSize}` : ''}`;
    for (const l of fit.layers) {
      const name = el('td', { text: l.name });
      const loc = l.location;
      if (loc) {
        name.className = 'link';
        name.title = `${loc.file}:${loc.line}`;
        name.addEventListener('click', () => this.post({ type: 'open-source', file: loc.file, line: loc.line }));
      }
      // the guideline table's verdict, inline: ✓ when the pair matches the table, ⚠ with what it recommends
      const check = el('td', {
        className: l.guideline ? `check check-${l.guideline.ok ? 'ok' : 'warn'}` : 'check',
        text: l.guideline ? `${l.guideline.ok ? '' : '⚠ '}${l.guideline.text}` : '',
      });
      const tr = el(
        'tr',
        {},
        name,
        el('td', { text: l.className }),
        el('td', { text: l.activation ?? '' }),
        el('td', { text: l.initializer ?? '' }),
        el('td', { className: 'num', text: l.units === undefined ? '' : formatInt(l.units) }),
        el('td', { className: 'num', text: formatInt(l.params) }),
        check,
        trainableCell(l),
      );
      if (l.trainable === false) tr.classList.add('frozen');
      this.modelBody.append(tr);
    }
    this.modelFoot.append(paramTotalsRow(fit, 8));
  }
}
