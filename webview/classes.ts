/**
 * Per-class results of a classification run (the runner's `class-metrics` events, one per epoch end): each class's
 * recall as a bar list, and the confusion matrix as a heat grid (true class rows, predicted class columns; colour:
 * the share of the row, so each class's errors stand out whatever its size), for the epoch picked (latest by
 * default). Plain DOM with text values in every cell (screen readers and tests read them); colours are the theme's
 * CSS variables, the per-cell share a CSS custom property set through CSSOM (allowed by the strict CSP).
 */
import type { ClassMetricsEvent } from '../src/protocol';
import type { DashboardStore, RunState } from './dashboardState';
import { formatInt } from './format';

/** recall per class: correct / samples of the class (null: no sample of it) */
export function classRecall(matrix: number[][]): Array<{ correct: number; total: number; recall: number | null }> {
  return matrix.map((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    return { correct: row[i], total, recall: total > 0 ? row[i] / total : null };
  });
}

const pct = (x: number) => `${(x * 100).toFixed(x === 1 || x === 0 ? 0 : 1)}%`;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

export class ClassesView {
  private readonly root: HTMLElement;
  private readonly title: HTMLElement;
  private readonly note: HTMLElement;
  private readonly picker: HTMLSelectElement;
  private readonly bars: HTMLElement;
  private readonly matrix: HTMLTableElement;
  /** epoch picked by the user; undefined: the latest */
  private picked: number | undefined;
  private key = '';
  private pickerKey = '';
  onNeedsDraw: (() => void) | undefined;

  constructor(after: HTMLElement) {
    this.root = el('section', 'classes');
    this.root.id = 'classes';
    this.root.hidden = true;
    this.root.setAttribute('aria-labelledby', 'classes-title');
    this.title = el('h2', undefined, 'Per-class results');
    this.title.id = 'classes-title';
    const label = el('label', 'hint', 'Epoch ');
    this.picker = el('select');
    this.picker.id = 'classes-epoch';
    label.append(this.picker);
    this.picker.addEventListener('change', () => {
      this.picked = this.picker.value === 'latest' ? undefined : Number(this.picker.value);
      this.onNeedsDraw?.();
    });
    this.note = el('p', 'hint');
    this.bars = el('ul', 'class-bars');
    this.bars.id = 'class-recall';
    this.bars.setAttribute('aria-label', 'Recall per class');
    this.matrix = el('table', 'confusion');
    this.matrix.id = 'confusion-matrix';
    const grid = el('div', 'classes-grid');
    const left = el('div', 'classes-col');
    left.append(el('h3', undefined, 'Recall per class'), this.bars);
    const right = el('div', 'classes-col');
    right.append(el('h3', undefined, 'Confusion matrix'), this.matrix);
    grid.append(left, right);
    this.root.append(el('div', 'classes-head'), this.note, grid);
    this.root.firstElementChild!.append(this.title, label);
    after.after(this.root);
  }

  /** The run shown: the first (primary) run with per-class results. */
  private runOf(store: DashboardStore): RunState | undefined {
    for (const run of store.runs.values()) if (run.classMetrics.length > 0) return run;
    return undefined;
  }

  render(store: DashboardStore): void {
    const run = this.runOf(store);
    this.root.hidden = !run;
    if (!run) {
      this.key = '';
      return;
    }
    const all = run.classMetrics;
    const last = all[all.length - 1];
    // the latest fit's epochs (a job may call fit more than once)
    const list = all.filter(e => e.fitIndex === last.fitIndex);
    const shown = (this.picked !== undefined && list.find(e => e.epoch === this.picked)) || last;
    this.renderPicker(run, list, shown);
    const key = `${run.info.runId}|${shown.seq}|${store.runs.size}`;
    if (key === this.key) return;
    this.key = key;
    this.title.textContent = `Per-class results · ${shown.of} · epoch ${shown.epoch + 1}`;
    const correct = shown.matrix.reduce((s, r, i) => s + r[i], 0);
    this.note.textContent = `${formatInt(shown.samples)} ${shown.of} samples${shown.of === 'training' ? ' (no validation data)' : ''}, accuracy ${pct(correct / shown.samples)}. Recall: the share of a class's samples predicted as that class. Matrix rows: true class; columns: predicted class; colour: share of the row (green: correct, red: errors).`;
    this.renderBars(shown);
    this.renderMatrix(shown);
  }

  private renderPicker(run: RunState, list: ClassMetricsEvent[], shown: ClassMetricsEvent): void {
    const key = `${run.info.runId}|${list.length}|${this.picked ?? 'latest'}`;
    if (key === this.pickerKey) return;
    this.pickerKey = key;
    this.picker.textContent = '';
    const latest = el('option', undefined, `latest (${list[list.length - 1].epoch + 1})`);
    latest.value = 'latest';
    this.picker.append(latest);
    for (const e of list) {
      const o = el('option', undefined, String(e.epoch + 1));
      o.value = String(e.epoch);
      this.picker.append(o);
    }
    this.picker.value = this.picked === undefined || shown.epoch !== this.picked ? 'latest' : String(this.picked);
  }

  private renderBars(e: ClassMetricsEvent): void {
    this.bars.textContent = '';
    classRecall(e.matrix).forEach((r, i) => {
      const li = el('li', 'class-bar');
      li.dataset.class = e.classes[i];
      const name = el('span', 'class-name', `class ${e.classes[i]}`);
      const track = el('span', 'bar-track');
      track.setAttribute('aria-hidden', 'true'); // the text value next to it says the same
      const fill = el('span', 'bar-fill');
      fill.style.setProperty('--share', String(r.recall ?? 0));
      track.append(fill);
      const value = el(
        'span',
        'class-value',
        r.recall === null ? 'no samples' : `${pct(r.recall)} (${formatInt(r.correct)} / ${formatInt(r.total)})`,
      );
      li.classList.toggle('low', r.recall !== null && r.recall < 0.5);
      li.append(name, track, value);
      this.bars.append(li);
    });
  }

  private renderMatrix(e: ClassMetricsEvent): void {
    const t = this.matrix;
    t.textContent = '';
    t.append(
      el(
        'caption',
        'sr-only',
        `Confusion matrix at epoch ${e.epoch + 1}: rows are the true classes, columns the predicted classes`,
      ),
    );
    const head = el('tr');
    const corner = el('th', 'corner', 'true \\ predicted');
    corner.scope = 'col';
    head.append(corner);
    for (const c of e.classes) {
      const th = el('th', undefined, c);
      th.scope = 'col';
      head.append(th);
    }
    t.append(el('thead'), el('tbody'));
    t.tHead!.append(head);
    e.matrix.forEach((row, i) => {
      const tr = el('tr');
      const th = el('th', undefined, e.classes[i]);
      th.scope = 'row';
      tr.append(th);
      const total = row.reduce((a, b) => a + b, 0);
      row.forEach((count, j) => {
        const td = el('td', i === j ? 'cell diag' : 'cell');
        td.append(el('span', 'n', formatInt(count))); // positioned: drawn above the cell's heat
        const share = total > 0 ? count / total : 0;
        // sqrt: a few errors in a large class stay visible next to the diagonal
        td.style.setProperty('--heat', Math.sqrt(share).toFixed(3));
        td.title = `true ${e.classes[i]}, predicted ${e.classes[j]}: ${formatInt(count)}${total > 0 ? ` (${pct(share)} of class ${e.classes[i]})` : ''}`;
        tr.append(td);
      });
      t.tBodies[0].append(tr);
    });
  }
}
