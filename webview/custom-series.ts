/**
 * The "Custom" section of the dashboard: the series a job records with the toolkit's `log(name, value)` get one
 * chart each (`custom:<name>`, titled "Custom: <name>"), after the built-in charts, in first-seen order; its
 * `logHistogram(name, tensor)` series get heatmaps under "Custom histograms" (histograms.ts).
 */
import type { HistogramEvent } from '../src/protocol';
import type { ChartId } from './series';

export const CUSTOM_PREFIX = 'custom:';

export function customChartId(name: string): ChartId {
  return CUSTOM_PREFIX + name;
}

export function isCustomChart(id: ChartId): boolean {
  return id.startsWith(CUSTOM_PREFIX);
}

const FIXED_ORDER_HEAD = ['loss'];
const FIXED_ORDER_TAIL = ['lr', 'momentum', 'grad-norms', 'grad-clip', 'grad-ratio', 'dead-relu', 'memory'];

/** Charts in display order: loss, the metrics (first seen first), the fixed tail, then the custom charts. */
export function orderCharts(seen: ChartId[]): ChartId[] {
  return [
    ...FIXED_ORDER_HEAD,
    ...seen.filter(id => !isCustomChart(id)),
    ...FIXED_ORDER_TAIL,
    ...seen.filter(isCustomChart),
  ];
}

/** A histogram sample as the store files it: a built-in one, or a custom one (layer: its name). */
export type CustomOr<E extends HistogramEvent> = Pick<
  E,
  'step' | 'edges' | 'counts' | 'nonFinite' | 'layer' | 'variable'
> & {
  of: E['of'] | 'custom';
};
