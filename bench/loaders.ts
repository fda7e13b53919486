/**
 * `node --import tsx bench/loaders.ts [-- --images 2000 --rows 50000]`: how fast the toolkit's loaders read
 * workspace data on the cpu backend — a folder of 28×28 PNGs and of 64×64 JPEGs resized to 32×32 (as a job loads
 * MNIST-like or photo folders), and a CSV of 10 numeric features and a class label. Prints files (rows) per second
 * in wall and CPU time: on a shared, oversubscribed machine the wall time mostly measures waiting for a core.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { PNG } from 'pngjs';
import * as jpeg from 'jpeg-js';
import { createLoadImageFolder } from '../src/toolkit/data/images';
import { createLoadCsv } from '../src/toolkit/data/csv';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

function noise(w: number, h: number, seed: number): Buffer {
  const data = Buffer.alloc(w * h * 4);
  let s = seed;
  for (let i = 0; i < data.length; i++) data[i] = (s = (s * 1103515245 + 12345) >>> 0) >>> 24;
  return data;
}

function writeFolder(root: string, n: number, kind: 'png' | 'jpeg', size: number): void {
  for (let i = 0; i < n; i++) {
    const dir = path.join(root, `class_${i % 10}`);
    fs.mkdirSync(dir, { recursive: true });
    const data = noise(size, size, i + 1);
    const bytes =
      kind === 'png'
        ? PNG.sync.write(Object.assign(new PNG({ width: size, height: size }), { data }))
        : jpeg.encode({ width: size, height: size, data }, 90).data;
    fs.writeFileSync(path.join(dir, `${i}.${kind === 'png' ? 'png' : 'jpg'}`), bytes);
  }
}

async function timed<T>(f: () => Promise<T>): Promise<{ wall: number; cpu: number; value: T }> {
  const c0 = process.cpuUsage(),
    t0 = performance.now();
  const value = await f();
  const c = process.cpuUsage(c0);
  return { wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6, value };
}

async function main(): Promise<void> {
  await tf.setBackend('cpu');
  const images = arg('images', 2000),
    rows = arg('rows', 50000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-bench-loaders-'));
  const env = { jobFile: path.join(dir, 'job.ts'), log: () => {} };
  const loadImageFolder = createLoadImageFolder(tf, env);
  const loadCsv = createLoadCsv(tf, env);
  try {
    writeFolder(path.join(dir, 'png'), images, 'png', 28);
    writeFolder(path.join(dir, 'jpeg'), images, 'jpeg', 64);
    const lines = ['f0,f1,f2,f3,f4,f5,f6,f7,f8,f9,label'];
    for (let r = 0; r < rows; r++)
      lines.push([...Array.from({ length: 10 }, (_, j) => ((r * 31 + j * 17) % 1000) / 100), `c${r % 5}`].join(','));
    fs.writeFileSync(path.join(dir, 'table.csv'), lines.join('\n') + '\n');

    console.log(
      `load average ${os
        .loadavg()
        .map(v => v.toFixed(1))
        .join(' ')} on ${os.cpus().length} cores`,
    );
    const report = (what: string, n: number, unit: string, r: { wall: number; cpu: number }) =>
      console.log(
        `${what}: ${n} ${unit} in ${r.wall.toFixed(2)} s wall (${Math.round(n / r.wall)}/s), ${r.cpu.toFixed(2)} s CPU (${Math.round(n / r.cpu)}/s)`,
      );
    const png = await timed(() => loadImageFolder('png', { size: [28, 28], grayscale: true }));
    report('PNG 28×28 → 28×28×1', images, 'images', png);
    png.value.x.dispose();
    const jpg = await timed(() => loadImageFolder('jpeg', { size: [32, 32] }));
    report('JPEG 64×64 → 32×32×3', images, 'images', jpg);
    jpg.value.x.dispose();
    const csv = await timed(() => loadCsv('table.csv', { label: 'label' }));
    report('CSV 10 features + class', rows, 'rows', csv);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
