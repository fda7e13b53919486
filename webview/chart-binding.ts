/**
 * Keeps a chart dataset bound to its derived data: the smoothed / x-mapped series (and its faint raw line), reduced
 * to a min-max level of detail unless the chart is zoomed in. charts.ts decides when; this file decides what.
 */
import { stepMapper } from './dashboardState';
import { MinMaxLod, SmoothedSeries } from './smoothing';
import { applyPointRadius, isSmoothable, type ChartPrefs, type DatasetRef, type TaggedDataset } from './chart-options';
import type { Panel } from './chart-panel';

/** Sets the data of a dataset (and its faint raw line) from the smoothing weight, x axis and hidden state. */
export function configureDataset(panel: Panel, ref: DatasetRef, prefs: ChartPrefs, bind = true): void {
  const smoothable = isSmoothable(ref.series, panel.id);
  const w = smoothable ? prefs.smoothing : 0;
  const mode = prefs.xAxis;
  const xf = stepMapper(ref.run.timeline, mode);
  const hidden = prefs.hidden.includes(`${panel.id}|${ref.series.key}`);
  ref.mapper = w > 0 || mode !== 'step' ? new SmoothedSeries(w, xf) : null;
  ref.ds.hidden = hidden;
  if (smoothable) {
    if (!ref.raw) {
      const rawDs: TaggedDataset = { label: `${ref.ds.label ?? ''} (raw)`, data: [], tlRun: ref.runIndex, tlRole: 9 };
      ref.raw = { ds: rawDs, mapper: null, lod: new MinMaxLod(), on: false };
      panel.datasets.push(rawDs);
    }
    ref.raw.on = w > 0 && !hidden;
    ref.raw.mapper = ref.raw.on && mode !== 'step' ? new SmoothedSeries(0, xf) : null;
    ref.raw.ds.hidden = !ref.raw.on;
  }
  if (bind) bindDataset(panel, ref);
}

/**
 * Brings derived data up to date and points the datasets at it: the min-max level of detail (a few thousand
 * points however long the run: chart.js then only walks those), or, zoomed in, the full data (chart.js's
 * decimation works on the visible range).
 */
export function bindDataset(panel: Panel, ref: DatasetRef): void {
  applyPointRadius(ref, panel.id);
  const zoomed = !!panel.range;
  const m = ref.mapper;
  m?.sync(ref.series.points);
  if (zoomed) ref.ds.data = m ? m.out : ref.series.points;
  else {
    if (m) ref.lod.syncSeries(m);
    else ref.lod.sync(ref.series.points);
    ref.ds.data = ref.lod.out;
  }
  const raw = ref.raw;
  if (!raw) return;
  if (!raw.on) {
    raw.ds.data = [];
    return;
  }
  const rm = raw.mapper;
  rm?.sync(ref.series.points);
  if (zoomed) raw.ds.data = rm ? rm.out : ref.series.points;
  else {
    if (rm) raw.lod.syncSeries(rm);
    else raw.lod.sync(ref.series.points);
    raw.ds.data = raw.lod.out;
  }
}
