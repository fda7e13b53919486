/**
 * The playground's DOM: controls (surface, learning-rate scale, steps), the legend with one toggle and one
 * learning-rate field per optimizer, the canvas, and the text alternative (a table of where each path ends).
 * Built with createElement/textContent only. Select, checkboxes, button and number fields are @vscode-elements
 * components (VS Code's own look, keyboard and ARIA built in); the sliders stay native <input type=range>.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { VscodeCheckbox } from '@vscode-elements/elements/dist/vscode-checkbox/vscode-checkbox.js';
import type { VscodeSingleSelect } from '@vscode-elements/elements/dist/vscode-single-select/vscode-single-select.js';
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/vscode-textfield.js';
import {
  OPTIMIZER_IDS,
  OPTIMIZER_LABELS,
  PLAYGROUND_LIMITS,
  SURFACE_IDS,
  SURFACE_LABELS,
  type OptimizerId,
  type OptimizerPath,
  type PlaygroundRequest,
  type PlaygroundResult,
} from '../src/protocol/playground';
import type { Theme } from './theme';
import { pathStyle } from './playground-plot';
import { el } from './dom';
import { formatNumber } from './format';

/** 3 significant digits, plain or exponential */
const formatValue = (v: number): string => formatNumber(v, 3);

export interface ViewEvents {
  /** the controls changed: `immediate` for a select or a typed value, false while a slider is dragged */
  onRequest(request: PlaygroundRequest, immediate: boolean): void;
  onToggle(id: OptimizerId, visible: boolean): void;
}

export class PlaygroundView {
  readonly canvas: HTMLCanvasElement;
  readonly plotWrap: HTMLElement;
  private readonly surface: VscodeSingleSelect;
  private readonly formula: HTMLElement;
  private readonly lrScale: HTMLInputElement;
  private readonly lrScaleOut: HTMLOutputElement;
  private readonly steps: HTMLInputElement;
  private readonly stepsOut: HTMLOutputElement;
  private readonly status: HTMLElement;
  private readonly legend: HTMLUListElement;
  private readonly tableBody: HTMLTableSectionElement;
  private readonly caption: HTMLElement;
  private readonly toggles = new Map<OptimizerId, VscodeCheckbox>();
  private readonly lrInputs = new Map<OptimizerId, VscodeTextfield>();
  private readonly swatches = new Map<OptimizerId, HTMLElement>();
  private request: PlaygroundRequest | undefined;

  constructor(
    root: HTMLElement,
    private readonly events: ViewEvents,
  ) {
    root.replaceChildren();
    this.surface = el(
      'vscode-single-select',
      { id: 'surface' },
      ...SURFACE_IDS.map(id => {
        const o = el('vscode-option', { text: SURFACE_LABELS[id] });
        o.value = id;
        return o;
      }),
    );
    this.surface.label = 'Surface';
    this.formula = el('span', { id: 'formula', className: 'formula' });
    this.lrScale = el('input', { id: 'lr-scale' });
    Object.assign(this.lrScale, {
      type: 'range',
      min: String(Math.log10(PLAYGROUND_LIMITS.minLrScale)),
      max: String(Math.log10(PLAYGROUND_LIMITS.maxLrScale)),
      step: '0.05',
    });
    this.lrScaleOut = el('output', { id: 'lr-scale-value' });
    this.steps = el('input', { id: 'steps' });
    Object.assign(this.steps, { type: 'range', min: '10', max: '1000', step: '10' });
    this.stepsOut = el('output', { id: 'steps-value' });
    const reset = el('vscode-button', {
      id: 'reset-lr',
      text: 'Reset learning rates',
      title: "Back to each optimizer's default for this surface, scale ×1",
    });
    reset.secondary = true;
    this.status = el('span', { id: 'status', className: 'status-text' });
    this.status.setAttribute('role', 'status');
    this.status.setAttribute('aria-live', 'polite');

    const label = (text: string, control: HTMLElement, out?: HTMLElement): HTMLElement => {
      const l = el('label', { className: 'control' }, el('span', { className: 'control-label', text }), control);
      if (out) l.append(out);
      return l;
    };
    const controls = el(
      'div',
      { className: 'controls', id: 'controls' },
      label('Surface', this.surface),
      label('Learning rate ×', this.lrScale, this.lrScaleOut),
      label('Steps', this.steps, this.stepsOut),
      reset,
      this.status,
    );

    this.legend = el('ul', { id: 'legend', className: 'legend' });
    this.legend.setAttribute('aria-label', 'Optimizers: show or hide each path, and its learning rate');
    for (const id of OPTIMIZER_IDS) {
      // the optimizer's name is the checkbox's label (clicking it toggles, and it names the checkbox for a screen reader)
      const toggle = el('vscode-checkbox', { id: `show-${id}`, className: 'legend-name', text: OPTIMIZER_LABELS[id] });
      toggle.checked = true;
      toggle.addEventListener('change', () => this.events.onToggle(id, toggle.checked));
      const swatch = el('span', { className: 'swatch' });
      swatch.setAttribute('aria-hidden', 'true');
      const lr = el('vscode-textfield', {
        id: `lr-${id}`,
        className: 'lr-input',
        title: `${OPTIMIZER_LABELS[id]} learning rate on this surface (before the × scale)`,
      });
      Object.assign(lr, { type: 'number', min: 0, label: `${OPTIMIZER_LABELS[id]} learning rate` });
      // any positive value is allowed: without step=any the inner number input would flag 0.25 as a step mismatch
      // (the component has no `step="any"`, and Lit leaves an attribute it never rendered alone)
      void lr.updateComplete.then(() => lr.wrappedElement.setAttribute('step', 'any'));
      lr.addEventListener('change', () => this.emitLr(id, lr));
      this.toggles.set(id, toggle);
      this.lrInputs.set(id, lr);
      this.swatches.set(id, swatch);
      const li = el('li', {}, swatch, toggle, el('span', { className: 'lr-label', text: 'lr' }), lr);
      li.dataset.optimizer = id;
      this.legend.append(li);
    }

    this.canvas = el('canvas', { id: 'plot' });
    this.canvas.setAttribute('role', 'img');
    this.plotWrap = el('div', { className: 'plot-wrap' }, this.canvas);
    this.caption = el('caption', {});
    const head = el(
      'thead',
      {},
      el(
        'tr',
        {},
        ...[
          'Optimizer',
          'Learning rate',
          'Final x',
          'Final y',
          'Final f',
          'First step with |f − f*| < tol',
          'At the end',
        ].map(h => {
          const th = el('th', { text: h });
          th.scope = 'col';
          return th;
        }),
      ),
    );
    this.tableBody = el('tbody', {});
    const table = el('table', { id: 'summary', className: 'summary' }, this.caption, head, this.tableBody);

    root.append(
      el('header', { className: 'header' }, el('h1', { text: 'Compare Optimizers' }), this.formula),
      controls,
      el('div', { className: 'body' }, this.plotWrap, this.legend),
      table,
    );

    // (vscode-single-select also reports picking the option that is already selected)
    this.surface.addEventListener('change', () => {
      if (this.surface.value !== this.request?.surface)
        this.emit({ surface: this.surface.value as PlaygroundRequest['surface'], lr: undefined }, true);
    });
    this.lrScale.addEventListener('input', () => this.emit({ lrScale: this.scaleValue() }, false));
    this.lrScale.addEventListener('change', () => this.emit({ lrScale: this.scaleValue() }, true));
    this.steps.addEventListener('input', () => this.emit({ steps: Number(this.steps.value) }, false));
    this.steps.addEventListener('change', () => this.emit({ steps: Number(this.steps.value) }, true));
    reset.addEventListener('click', () => this.emit({ lrScale: 1, lr: undefined }, true));
  }

  private scaleValue(): number {
    const v = 10 ** Number(this.lrScale.value);
    return Number(v.toPrecision(3));
  }

  private emitLr(id: OptimizerId, field: VscodeTextfield): void {
    const v = Number(field.value);
    const input = field.wrappedElement;
    if (!(v > 0) || !Number.isFinite(v) || v > 1e3) {
      field.invalid = true;
      input.setCustomValidity('a positive number up to 1000');
      input.reportValidity();
      return;
    }
    field.invalid = false;
    input.setCustomValidity('');
    this.emit({ lr: { ...(this.request?.lr ?? {}), [id]: v } }, true);
  }

  private emit(change: Partial<PlaygroundRequest>, immediate: boolean): void {
    if (!this.request) return;
    const next: PlaygroundRequest = { ...this.request, ...change };
    if (next.lr === undefined) delete next.lr;
    this.setRequest(next);
    this.events.onRequest(next, immediate);
  }

  /** Shows the controls' values (the host's state, or what the user just set). */
  setRequest(r: PlaygroundRequest): void {
    this.request = r;
    this.surface.value = r.surface;
    this.lrScale.value = String(Math.log10(r.lrScale));
    this.lrScaleOut.value = `×${formatValue(r.lrScale)}`;
    this.lrScale.setAttribute('aria-valuetext', `times ${formatValue(r.lrScale)}`);
    this.steps.value = String(r.steps);
    this.stepsOut.value = String(r.steps);
  }

  setStatus(text: string, kind: 'ok' | 'busy' | 'error'): void {
    this.status.textContent = text;
    this.status.className = `status-text status-${kind}`;
    document.body.dataset.state = kind;
  }

  setHidden(hidden: ReadonlySet<OptimizerId>): void {
    for (const [id, t] of this.toggles) {
      t.checked = !hidden.has(id);
      t.closest('li')?.classList.toggle('off', hidden.has(id));
    }
  }

  /** Legend colours, per-optimizer learning rates and the table for a result. */
  showResult(result: PlaygroundResult, theme: Theme): void {
    const s = result.surface;
    this.formula.textContent = `${s.formula} · minimum f* = ${s.minimum.f} at (${s.minimum.x}, ${s.minimum.y}) · start (${s.start.x}, ${s.start.y})`;
    for (const id of OPTIMIZER_IDS) {
      const style = pathStyle(theme, id);
      const sw = this.swatches.get(id)!;
      sw.style.borderTopColor = style.color;
      sw.style.borderTopStyle = style.dash.length ? 'dashed' : 'solid';
      const path = result.paths.find(p => p.optimizer === id);
      const input = this.lrInputs.get(id)!;
      if (path && document.activeElement !== input)
        input.value = String(Number((path.lr / result.request.lrScale).toPrecision(4)));
    }
    this.caption.textContent = `Where each path ends after ${result.request.steps} steps on ${s.label} (${s.formula}); tol = ${s.tol}.`;
    this.tableBody.replaceChildren(...result.paths.map(p => this.row(p, s.minimum.f, s.tol)));
  }

  private row(p: OptimizerPath, fMin: number, tol: number): HTMLTableRowElement {
    const last = p.points[p.points.length - 1];
    const gap = Math.abs(last.f - fMin);
    const note =
      p.divergedAt !== null
        ? `diverged at step ${p.divergedAt}`
        : gap < tol
          ? 'within tol'
          : `|f − f*| = ${formatValue(gap)}`;
    const th = el('th', { text: p.label });
    th.scope = 'row';
    const tr = el(
      'tr',
      {},
      th,
      ...[
        formatValue(p.lr),
        formatValue(last.x),
        formatValue(last.y),
        formatValue(last.f),
        p.convergedAt === null ? '—' : String(p.convergedAt),
        note,
      ].map(t => el('td', { text: t })),
    );
    tr.dataset.optimizer = p.optimizer;
    tr.dataset.points = String(p.points.length);
    if (p.divergedAt !== null) tr.classList.add('diverged');
    return tr;
  }
}
