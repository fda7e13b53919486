// Scenario 4: a job that throws: an error notification and the message in the output channel name the job file
// and line.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { withWorkbench } from './lib/workbench.ts';
import {
  env,
  lineOf,
  runIds,
  trainViaPalette,
  trustedWindow,
  useBrowser,
  waitForNewRun,
  waitForRunEnd,
} from './lib/training.ts';
import { waitUntil } from './lib/workbench.ts';

const browser = useBrowser();

test('4. a throwing job: error notification and output channel name the file and line', async t => {
  const jobFile = path.join(env.workspace, 'jobs/broken.ts');
  const line = lineOf(jobFile, "throw new Error('bad shape on purpose')");
  await withWorkbench(t, browser(), trustedWindow(), async wb => {
    const before = runIds(env.workspace);
    await trainViaPalette(wb, 'jobs/broken.ts');

    const note = await wb.waitForNotification(/Training failed/, 60_000);
    t.diagnostic(`notification: ${note}`);
    assert.match(note, /Training failed: .*bad shape on purpose/);
    assert.ok(note.includes(`broken.ts:${line}`), `notification names broken.ts:${line}: ${note}`);

    const runId = await waitForNewRun(env.workspace, before);
    const end = await waitForRunEnd(env.workspace, runId, 30_000);
    assert.equal(end.status, 'error');

    // the Output view lists the channel, and the channel holds "Run <id> failed: <message> (<file>:<line>)"
    await wb.showOutputChannel('Training Lens');
    const out = await waitUntil(
      'the failure line in the output channel',
      () => {
        const text = wb.outputChannelText('Training Lens');
        return text.split('\n').find(l => l.includes(`Run ${runId} failed:`)) ?? null;
      },
      15_000,
    );
    t.diagnostic(`output: ${out}`);
    assert.match(out, /bad shape on purpose/);
    assert.match(
      out,
      new RegExp(`\\((?:.*[\\\\/])?(?:jobs[\\\\/])?broken\\.ts:${line}\\)`),
      `output names broken.ts:${line}`,
    );
    assert.ok(wb.outputChannelText('Training Lens').includes(`Run ${runId} started: `), 'the start line is logged too');
    // the Output view shows it to the user (the failure is the last thing written, so it is on screen)
    await waitUntil(
      'the failure line visible in the Output view',
      async () => (await wb.visibleOutputText()).includes(`Run ${runId} failed: bad shape on purpose`),
      15_000,
    );
    await wb.screenshot('04-job-error');
  });
});
