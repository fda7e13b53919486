/**
 * Mean ± std bands over runs that differ only in seed (src/protocol/seeds.ts says how that is decided: same job
 * file, same hyper-parameters once the seed is left out). When the dashboard compares two or more such runs, each
 * chart gets, per series the replicas share, a band (chart.js fill between a lower and an upper dataset) and the
 * mean line, over the steps every replica has, from the raw (unsmoothed) values; a note under the chart says how
 * many seeds. A toolbar toggle turns the bands off and on.
 */
import { Filler } from 'chart.js';
import { meanStdBand, seedGroupKey, seedGroups } from '../src/protocol/seeds';
import { stepMapper, type DashboardStore, type RunState, type XAxisMode } from './dashboardState';
import type { TaggedDataset } from './chart-options';
import type { Panel } from './chart-panel';
import { setPressed, vscodeButton, type VscodeButton } from './vscode-controls';
import { withAlpha } from './theme';

/** chart.js's fill between datasets (registered by the charts view). */
export const SeedBandFiller = Filler;

const BAND_TAG = 'tlSeedBand';
type BandDataset = TaggedDataset & { [BAND_TAG]?: true };

/** The groups of seed replicas among the dashboard's runs. */
export function seedReplicaGroups(store: DashboardStore): RunState[][] {
  return seedGroups([...store.runs.values()], r =>
    r.runStart ? seedGroupKey(r.runStart.jobFile, r.runStart.hparams) : undefined,
  );
}

export class SeedBands {
  on = true;
  readonly toggle: VscodeButton;

  constructor(private readonly onToggle: () => void) {
    this.toggle = vscodeButton('± seeds', {
      className: 'toggle',
      title: 'Mean ± standard deviation over runs that differ only in seed',
    });
    this.toggle.id = 'seed-bands';
    this.toggle.hidden = true;
    setPressed(this.toggle, this.on);
    this.toggle.addEventListener('click', () => {
      this.on = !this.on;
      setPressed(this.toggle, this.on);
      this.onToggle();
    });
  }

  /** Replaces the panel's band datasets with ones for the store's current data. */
  apply(panel: Panel, store: DashboardStore, xAxis: XAxisMode, colors: readonly string[]): void {
    const kept = panel.datasets.filter(ds => !(ds as BandDataset)[BAND_TAG]);
    panel.datasets.length = 0;
    panel.datasets.push(...kept);
    const groups = store.runs.size > 1 ? seedReplicaGroups(store) : [];
    this.toggle.hidden = groups.length === 0;
    const notes: string[] = [];
    if (this.on) {
      groups.forEach((group, g) => {
        const charts = group.map(r => r.charts.get(panel.id));
        if (charts.some(c => !c)) return;
        const keys = charts[0]!.series.map(s => s.key).filter(k => charts.every(c => c!.series.some(s => s.key === k)));
        const x = stepMapper(group[0].timeline, xAxis);
        for (const key of keys) {
          const series = charts.map(c => c!.series.find(s => s.key === key)!);
          const band = meanStdBand(series.map(s => s.points));
          if (band.length === 0) continue;
          const color = colors[g % colors.length];
          const label = `${series[0].name}: mean ± std of ${group.length} seeds`;
          const lower: BandDataset = {
            label: `${label} (lower)`,
            data: band.map(p => ({ x: x(p.x), y: p.mean - p.std })),
            borderWidth: 0,
            pointRadius: 0,
            fill: false,
            [BAND_TAG]: true,
          };
          const upper: BandDataset = {
            label: `${label} (upper)`,
            data: band.map(p => ({ x: x(p.x), y: p.mean + p.std })),
            borderWidth: 0,
            pointRadius: 0,
            fill: '-1',
            backgroundColor: withAlpha(color, 0.25),
            [BAND_TAG]: true,
          };
          const mean: BandDataset = {
            label,
            data: band.map(p => ({ x: x(p.x), y: p.mean })),
            borderColor: color,
            borderWidth: 2,
            borderDash: [6, 3],
            pointRadius: 0,
            fill: false,
            [BAND_TAG]: true,
          };
          panel.datasets.push(lower, upper, mean);
        }
        if (keys.length)
          notes.push(`mean ± std over ${group.length} seeds (${group.map(r => r.info.label).join(', ')})`);
      });
    }
    this.note(panel, notes);
  }

  private note(panel: Panel, notes: string[]): void {
    let el = panel.section.querySelector<HTMLElement>('.seed-note');
    if (!notes.length) {
      el?.remove();
      delete panel.section.dataset.seeds;
      return;
    }
    if (!el) {
      el = document.createElement('p');
      el.className = 'seed-note';
      panel.canvas.parentElement?.after(el);
    }
    el.textContent = `Dashed line and band: ${notes.join('; ')}.`;
    // bands drawn on this chart (tests read it)
    panel.section.dataset.seeds = String(panel.datasets.filter(d => (d as BandDataset)[BAND_TAG]).length / 3);
  }
}
