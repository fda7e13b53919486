/**
 * Renders a run's dashboard to a PNG with headless Chromium: the real webview bundle under its production CSP,
 * fed the run log exactly as the extension host replays it. Used by `npm run demo` and for README screenshots.
 * Usage: node --import tsx scripts/render-dashboard.ts <events.ndjson> <out.png> [dark|light]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readRunLog } from '../src/runs/store';
import { buildWebview } from '../test/webview/build-webview';
import { launchChromium, serveDashboard, openDashboard } from '../test/webview/harness';
import { labelOf } from '../src/runs/label';

async function main(): Promise<void> {
  const [logFile, outFile, theme = 'dark'] = process.argv.slice(2);
  if (!logFile || !outFile) throw new Error('usage: render-dashboard.ts <events.ndjson> <out.png> [dark|light]');
  const log = readRunLog(logFile);
  const start = log.events.find(e => e.kind === 'run-start');
  const end = log.events.find(e => e.kind === 'run-end');
  if (!start || start.kind !== 'run-start') throw new Error(`${logFile}: no run-start event`);
  const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-render-'));
  await buildWebview(dist);
  const served = await serveDashboard(dist);
  const browser = await launchChromium();
  try {
    const dash = await openDashboard(browser, served.origin, theme === 'light' ? 'light' : 'dark');
    const status = end?.kind === 'run-end' ? end.status : 'running';
    await dash.host({
      type: 'reset',
      runs: [
        {
          runId: start.runId,
          jobFile: start.jobFile,
          label: labelOf(start.jobFile, start.startedAt),
          startedAt: start.startedAt,
          status,
        },
      ],
    });
    await dash.host({ type: 'events', runId: start.runId, events: log.events });
    await dash.page.waitForTimeout(300);
    await dash.page.screenshot({ path: outFile, fullPage: true });
  } finally {
    await browser.close();
    await served.close();
  }
}

main().catch(e => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
