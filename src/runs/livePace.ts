/**
 * How often live events go to a dashboard. The webview shares the UI thread of VS Code's window (in code-server
 * and VS Code for the Web it is an iframe of the workbench): every message costs parsing its events and a redraw
 * of the changed charts, and the redraw costs about as much for 500 events as for 50. A tiny net trains at
 * hundreds of steps a second and, with its probes, sends about 1,000 events a second: replayed into the dashboard
 * in Chromium, four flushes a second kept ~60% of that thread busy, one a second ~35%. So a fast run is drawn
 * less often: four times a second up to 200 events/s, then less, down to once a second at 800 events/s.
 */
export const MIN_FLUSH_MS = 250;
export const MAX_FLUSH_MS = 1000;
/** events per second above which the delay grows: MIN_FLUSH_MS at this rate, MAX_FLUSH_MS at 4x it */
const CALM_RATE = 200;

/** The delay before the next flush, from the last one: `events` sent, `elapsedMs` since the flush before it. */
export function nextFlushDelay(events: number, elapsedMs: number): number {
  if (!(elapsedMs > 0) || events <= 0) return MIN_FLUSH_MS;
  const rate = (events * 1000) / elapsedMs;
  const delay = (MIN_FLUSH_MS * rate) / CALM_RATE;
  return Math.round(Math.min(MAX_FLUSH_MS, Math.max(MIN_FLUSH_MS, delay)));
}
