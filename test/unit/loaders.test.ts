/**
 * The toolkit's data loaders on files generated in a temp dir: CSV (typed columns, classes, malformed files as a
 * clear error or a counted skip), the train/validation split (stratified, shuffled by default), image folders
 * (PNG and JPEG pixels, classes from folder names, unreadable and corrupt files counted, folders without classes).
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { createLoadCsv } from '../../src/toolkit/data/csv';
import { createTrainValSplit } from '../../src/toolkit/data/split';
import { createLoadImageFolder } from '../../src/toolkit/data/images';
import { PNG } from 'pngjs';
import * as jpeg from 'jpeg-js';
import { tempDir, runJob, ROOT } from './helpers';

before(async () => {
  await tf.setBackend('cpu');
});

const dir = tempDir('tl-loaders-');
const jobFile = path.join(dir, 'job.train.ts');
const lines: { level: string; text: string }[] = [];
const env = { jobFile, log: (level: 'info' | 'warn', text: string) => lines.push({ level, text }) };
const loadCsv = createLoadCsv(tf, env);
const trainValSplit = createTrainValSplit(tf, env);
const loadImageFolder = createLoadImageFolder(tf, env);

function write(rel: string, text: string): string {
  const file = path.join(dir, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

const IRIS = `sepal_length,sepal_width,species
5.1,3.5,setosa
7.0,3.2,versicolor
6.3,3.3,virginica
4.9,3.0,setosa
6.4,3.2,versicolor
`;

test('loadCsv reads typed feature columns and maps class names to sorted indices, relative to the job folder', async () => {
  write('data/iris.csv', IRIS);
  lines.length = 0;
  const d = await loadCsv('data/iris.csv', { label: 'species' });
  assert.deepEqual(d.featureNames, ['sepal_length', 'sepal_width']);
  assert.deepEqual(d.classes, ['setosa', 'versicolor', 'virginica']);
  assert.deepEqual(d.x.shape, [5, 2]);
  assert.deepEqual(Array.from(d.x.dataSync()), [5.1, 3.5, 7.0, 3.2, 6.3, 3.3, 4.9, 3.0, 6.4, 3.2].map(Math.fround));
  assert.deepEqual(Array.from(d.y.dataSync()), [0, 1, 2, 0, 1], 'labels are indices into the sorted classes');
  assert.deepEqual(d.skipped, []);
  assert.deepEqual(
    lines.map(l => l.text),
    [
      "loadCsv data/iris.csv: 5 rows, 2 features, 3 classes (label inferred as classes; labelType: 'number' for regression), 0 skipped",
    ],
    'the run log says what was loaded',
  );
});

test('loadCsv: a numeric label is a regression target; columns by index without a header; features picked', async () => {
  write('reg.csv', 'a,b,c,price\n1,2,3,10.5\n4,5,6,20.25\n7,8,9,30\n');
  const r = await loadCsv('reg.csv', { label: 'price', features: ['c', 'a'] });
  assert.equal(r.classes, undefined);
  assert.deepEqual(r.featureNames, ['c', 'a']);
  assert.deepEqual(Array.from(r.x.dataSync()), [3, 1, 6, 4, 9, 7]);
  assert.deepEqual(Array.from(r.y.dataSync()), [10.5, 20.25, 30]);

  write('nohead.tsv', '1\t2\t0\n3\t4\t1\n5\t6\t0\n');
  const t = await loadCsv('nohead.tsv', { label: 2, header: false });
  assert.deepEqual(t.classes, ['0', '1'], 'whole-number labels with few values are classes');
  assert.deepEqual(t.featureNames, ['column 0', 'column 1']);
  assert.deepEqual(Array.from(t.y.dataSync()), [0, 1, 0]);

  const asNumber = await loadCsv('nohead.tsv', { label: 2, header: false, labelType: 'number' });
  assert.equal(asNumber.classes, undefined, 'labelType overrides the inference');
});

test('loadCsv: a quoted field spanning lines keeps later line numbers right', async () => {
  write('quoted.csv', 'x,note,y\n1,"two\nlines",a\n2,ok,b\nthree,ok,a\n');
  await assert.rejects(
    loadCsv('quoted.csv', { label: 'y', features: ['x'] }),
    (e: Error) => e.message.includes(`${path.join(dir, 'quoted.csv')}:5: column 'x'`) || assert.fail(e.message),
  );
});

test('loadCsv: malformed files are a clear error naming file:line and column', async () => {
  const cases: [string, string, RegExp][] = [
    ['ragged.csv', 'a,b,y\n1,2,0\n3,1\n4,5,1\n', /ragged\.csv:3: 2 fields, but the header has 3/],
    ['nonnum.csv', 'a,b,y\n1,2,0\n3,abc,1\n4,5,1\n', /nonnum\.csv:3: column 'b': 'abc' is not a number/],
    ['missing.csv', 'a,b,y\n1,2,0\n3,,1\n4,5,1\n', /missing\.csv:3: column 'b': missing value/],
    ['nolabel.csv', 'a,b,y\n1,2,0\n3,4,NA\n4,5,1\n', /nolabel\.csv:3: column 'y': missing label/],
    ['text.csv', 'a,name,y\n1,bob,0\n3,ann,1\n', /text\.csv:2: column 'name' holds text \('bob'\), not numbers/],
    ['quote.csv', 'a,y\n1,"0\n', /quote\.csv:\d+: .*[Qq]uote/],
  ];
  for (const [file, text, expected] of cases) {
    write(file, text);
    await assert.rejects(loadCsv(file, { label: 'y' }), expected, `${file} gives a clear error`);
  }
  write('empty.csv', '');
  await assert.rejects(loadCsv('empty.csv', { label: 'y' }), /empty\.csv is empty/);
  write('headonly.csv', 'a,y\n');
  await assert.rejects(loadCsv('headonly.csv', { label: 'y' }), /headonly\.csv has a header but no data rows/);
  await assert.rejects(loadCsv('ragged.csv', { label: 'z' }), /no column 'z' \(label\); the header has 'a', 'b', 'y'/);
  await assert.rejects(
    loadCsv('does/not/exist.csv', { label: 'y' }),
    (e: Error) => e.message.includes(path.join(dir, 'does', 'not', 'exist.csv')) || assert.fail(e.message),
    'a missing file is named by its resolved path',
  );
});

test("loadCsv with missing: 'skip' counts every skipped row with its line and reason, and warns", async () => {
  write('holes.csv', 'a,b,y\n1,2,0\n3,,1\n4,5\n6,x,1\n7,8,1\n9,10,?\n');
  lines.length = 0;
  const d = await loadCsv('holes.csv', { label: 'y', missing: 'skip' });
  assert.deepEqual(d.x.shape, [2, 2], 'the two good rows are kept');
  assert.deepEqual(Array.from(d.y.dataSync()), [0, 1]);
  const file = path.join(dir, 'holes.csv');
  assert.deepEqual(d.skipped, [
    { file, line: 3, reason: "column 'b': missing value" },
    { file, line: 4, reason: '2 fields, but the header has 3' },
    { file, line: 5, reason: "column 'b': 'x' is not a number" },
    { file, line: 7, reason: "column 'y': missing label" },
  ]);
  assert.match(lines[0].text, /^loadCsv holes\.csv: 2 rows, 2 features, .*4 skipped$/);
  assert.equal(lines[1].level, 'warn', 'skips are a warning the user sees');
  assert.match(lines[1].text, /skipped 4 rows: line 3: column 'b': missing value; line 4: /);

  write('allbad.csv', 'a,y\n,0\n,1\n');
  await assert.rejects(loadCsv('allbad.csv', { label: 'y', missing: 'skip' }), /no usable rows; all 2 skipped/);
});

function classCounts(y: tf.Tensor): Map<number, number> {
  const m = new Map<number, number>();
  for (const v of y.dataSync()) m.set(v, (m.get(v) ?? 0) + 1);
  return m;
}

test('trainValSplit on class labels is stratified: each class keeps its share on both sides', () => {
  // sorted by class, 60/30/10: validationSplit's last 20% would hold class 2 only
  const labels = [...Array(60).fill(0), ...Array(30).fill(1), ...Array(10).fill(2)];
  const x = tf.tensor2d(labels.map((c, i) => [i, c]));
  const y = tf.tensor1d(labels);
  const s = trainValSplit(x, y, { seed: 7 });
  assert.deepEqual(s.xVal.shape, [20, 2]);
  assert.deepEqual(s.xTrain.shape, [80, 2]);
  assert.deepEqual([...classCounts(s.yVal)].sort(), [
    [0, 12],
    [1, 6],
    [2, 2],
  ]);
  assert.deepEqual([...classCounts(s.yTrain)].sort(), [
    [0, 48],
    [1, 24],
    [2, 8],
  ]);
  // x and y rows stay paired, and every sample lands on exactly one side
  const rows = [...s.xTrain.arraySync(), ...s.xVal.arraySync()] as number[][];
  const ys = [...s.yTrain.dataSync(), ...s.yVal.dataSync()];
  rows.forEach((r, i) => assert.equal(r[1], ys[i], `row ${r[0]} keeps its label`));
  assert.deepEqual(
    rows.map(r => r[0]).sort((a, b) => a - b),
    labels.map((_, i) => i),
  );

  // one-hot labels are stratified the same way
  const oneHot = tf.oneHot(tf.tensor1d(labels, 'int32'), 3);
  const h = trainValSplit(x, oneHot, { seed: 7 });
  assert.deepEqual([...classCounts(h.yVal.argMax(-1))].sort(), [
    [0, 12],
    [1, 6],
    [2, 2],
  ]);
});

test('trainValSplit shuffles by default (the same seed, the same split); shuffle: false keeps the order', () => {
  const x = tf.range(0, 50).reshape([50, 1]);
  const y = tf.range(0, 50).div(10); // regression target: not stratified
  const a = trainValSplit(x, y, { seed: 1 });
  const trainOrder = Array.from(a.xTrain.dataSync());
  assert.notDeepEqual(
    trainOrder,
    [...trainOrder].sort((p, q) => p - q),
    'training samples come shuffled',
  );
  assert.notDeepEqual(
    Array.from(a.xVal.dataSync()).sort((p, q) => p - q),
    [40, 41, 42, 43, 44, 45, 46, 47, 48, 49],
  );
  assert.deepEqual(Array.from(trainValSplit(x, y, { seed: 1 }).xVal.dataSync()), Array.from(a.xVal.dataSync()));
  const noSeed = [trainValSplit(x, y), trainValSplit(x, y)].map(s => Array.from(s.xVal.dataSync()).join());
  assert.notEqual(noSeed[0], noSeed[1], 'without a seed each call draws a new split');

  const plain = trainValSplit(x, y, { shuffle: false, fraction: 0.1 });
  assert.deepEqual(Array.from(plain.xVal.dataSync()), [45, 46, 47, 48, 49], 'unshuffled: the last fraction');
  assert.throws(() => trainValSplit(x, y, { stratify: true }), /stratify needs class labels/);
  assert.throws(() => trainValSplit(x, tf.zeros([3]), {}), /x has 50 samples but y has 3/);
  assert.throws(() => trainValSplit(x, y, { fraction: 1 }), /fraction must be between 0 and 1/);
});

test('through the runner: a job loads a CSV next to itself, the run log says what it loaded, the split is not shifted', async () => {
  const { events, end } = await runJob(path.join(ROOT, 'test', 'fixtures', 'toolkit', 'loaders.train.ts'), {
    backend: 'cpu',
  });
  assert.equal(end.status, 'ok', end.error?.message);
  const texts = events.flatMap(e => (e.kind === 'log' ? [e.text] : []));
  assert.ok(
    texts.some(t => t.startsWith('loadCsv data/blobs.csv: 90 rows, 2 features, 3 classes')),
    `the run log names what was loaded: ${JSON.stringify(texts)}`,
  );
  assert.ok(
    texts.includes('trainValSplit: 72 training, 18 validation samples, stratified over 3 classes, shuffled (seed 1)'),
    `the run log says how it split: ${JSON.stringify(texts)}`,
  );
  const codes = events.flatMap(e => (e.kind === 'finding' ? [e.finding.code] : []));
  assert.ok(!codes.includes('label-distribution-shift'), `a stratified split is not shifted: ${codes}`);
});

// ---------------------------------------------------------------------------------------------------------------
// Image folders

type Pixel = [number, number, number];

function pngBytes(pixels: Pixel[][]): Buffer {
  const png = new PNG({ width: pixels[0].length, height: pixels.length });
  pixels.flat().forEach(([r, g, b], i) => png.data.set([r, g, b, 255], i * 4));
  return PNG.sync.write(png);
}

function jpegBytes(pixels: Pixel[][]): Buffer {
  const width = pixels[0].length,
    height = pixels.length;
  const data = Buffer.alloc(width * height * 4);
  pixels.flat().forEach(([r, g, b], i) => data.set([r, g, b, 255], i * 4));
  return jpeg.encode({ width, height, data }, 100).data;
}

/** an image of `h`×`w` in one colour */
const solid = (h: number, w: number, p: Pixel): Pixel[][] => Array.from({ length: h }, () => Array(w).fill(p));

const KNOWN: Pixel[][] = [
  [
    [255, 0, 0],
    [0, 255, 0],
    [0, 0, 255],
  ],
  [
    [10, 20, 30],
    [128, 128, 128],
    [255, 255, 255],
  ],
];

test('loadImageFolder decodes PNG to the known pixels, in [0, 1], RGB and grayscale', async () => {
  write('png/a/known.png', '');
  fs.writeFileSync(path.join(dir, 'png/a/known.png'), pngBytes(KNOWN));
  fs.mkdirSync(path.join(dir, 'png/b'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'png/b/other.png'), pngBytes(solid(2, 3, [0, 0, 0])));
  const rgb = await loadImageFolder('png', { size: [2, 3] });
  assert.deepEqual(rgb.x.shape, [2, 2, 3, 3]);
  assert.deepEqual(
    Array.from(rgb.x.slice([0], [1]).dataSync()),
    KNOWN.flat(2).map(v => Math.fround(v / 255)),
    'the PNG decoder gives the pixels written',
  );
  const gray = await loadImageFolder('png', { size: [2, 3], grayscale: true });
  assert.deepEqual(gray.x.shape, [2, 2, 3, 1]);
  const luma = KNOWN.flat().map(([r, g, b]) => (0.299 * r + 0.587 * g + 0.114 * b) / 255);
  Array.from(gray.x.slice([0], [1]).dataSync()).forEach((v, i) =>
    assert.ok(Math.abs(v - luma[i]) < 1e-6, `gray pixel ${i}: ${v} vs ${luma[i]}`),
  );
});

test('loadImageFolder decodes JPEG to the known colours (within JPEG loss) and resizes to size', async () => {
  // 8×8 blocks of one colour each: JPEG's DCT blocks keep a flat colour almost exactly at quality 100
  const colours: Pixel[] = [
    [200, 30, 40],
    [20, 180, 60],
    [40, 50, 220],
    [250, 250, 250],
  ];
  const img: Pixel[][] = Array.from({ length: 16 }, (_, r) =>
    Array.from({ length: 16 }, (_, c) => colours[(r < 8 ? 0 : 2) + (c < 8 ? 0 : 1)]),
  );
  fs.mkdirSync(path.join(dir, 'jpg/q'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'jpg/q/blocks.jpg'), jpegBytes(img));
  fs.writeFileSync(path.join(dir, 'jpg/q/flat.JPEG'), jpegBytes(solid(16, 16, [90, 120, 150])));
  const full = await loadImageFolder('jpg', { size: [16, 16] });
  const px = full.x.slice([0], [1]).dataSync();
  img
    .flat()
    .forEach((p, i) =>
      p.forEach((v, ch) =>
        assert.ok(
          Math.abs(px[i * 3 + ch] * 255 - v) <= 3,
          `JPEG pixel ${i} channel ${ch}: ${px[i * 3 + ch] * 255} vs ${v}`,
        ),
      ),
    );
  const small = await loadImageFolder('jpg', { size: [2, 2] });
  assert.deepEqual(small.x.shape, [2, 2, 2, 3]);
  const q = small.x.slice([0], [1]).dataSync();
  colours.forEach((c, i) =>
    c.forEach((v, ch) => assert.ok(Math.abs(q[i * 3 + ch] * 255 - v) <= 3, `quadrant ${i} keeps its colour`)),
  );
  const flat = Array.from(small.x.slice([1], [1]).dataSync()).map(v => Math.round(v * 255));
  assert.ok(
    flat.every((v, i) => Math.abs(v - [90, 120, 150][i % 3]) <= 2),
    `flat.JPEG (upper-case extension) read: ${flat}`,
  );
});

test('loadImageFolder: classes are the sorted sub-folders; unreadable and corrupt files are counted skips with a warning', async () => {
  const root = path.join(dir, 'shapes');
  const put = (rel: string, bytes: Buffer | string) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), bytes);
  };
  for (const [cls, colour] of [
    ['triangle', [0, 0, 255]],
    ['circle', [255, 0, 0]],
    ['square', [0, 255, 0]],
  ] as const) {
    put(`${cls}/1.png`, pngBytes(solid(4, 4, [...colour])));
    put(`${cls}/nested/2.jpg`, jpegBytes(solid(8, 8, [...colour])));
  }
  const good = pngBytes(solid(4, 4, [1, 2, 3]));
  put('circle/truncated.png', good.subarray(0, good.length - 20));
  put('square/garbage.jpg', 'this is text, not a JPEG');
  put('square/cut.jpg', jpegBytes(solid(8, 8, [9, 9, 9])).subarray(0, 30));
  put('triangle/notes.txt', 'labels were checked by hand');
  put('README.md', 'shapes data set');
  put('.hidden/ignored.png', good);
  fs.symlinkSync(path.join(root, 'gone.png'), path.join(root, 'triangle', 'dangling.png'));

  lines.length = 0;
  const progress: [number, number][] = [];
  const d = await loadImageFolder('shapes', {
    size: [4, 4],
    onProgress: (a, b) => progress.push([a, b]),
    progressEvery: 4,
  });
  assert.deepEqual(d.classes, ['circle', 'square', 'triangle']);
  assert.deepEqual(Array.from(d.y.dataSync()), [0, 0, 1, 1, 2, 2]);
  // every image of a class has its folder's colour: labels and pixels stay paired
  const firstPixels = (d.x.slice([0, 0, 0, 0], [-1, 1, 1, 3]).arraySync() as number[][][][]).map(p =>
    p[0][0].map(v => Math.round(v * 255)),
  );
  assert.deepEqual(
    firstPixels.map(p => p.indexOf(Math.max(...p))),
    [0, 0, 1, 1, 2, 2],
  );

  const reasons = Object.fromEntries(d.skipped.map(s => [path.relative(root, s.file), s.reason]));
  assert.equal(d.skipped.length, 6, JSON.stringify(reasons));
  assert.equal(reasons['README.md'], 'not inside a class folder');
  assert.equal(reasons['triangle/notes.txt'], 'not a PNG or JPEG file (.txt)');
  assert.equal(reasons['square/garbage.jpg'], 'not a PNG or JPEG file');
  assert.match(reasons['circle/truncated.png'], /^corrupt PNG: /);
  assert.match(reasons['square/cut.jpg'], /^corrupt JPEG: /);
  assert.equal(reasons['triangle/dangling.png'], 'unreadable (ENOENT)');
  const warned = lines.filter(l => l.level === 'warn').map(l => l.text);
  for (const s of d.skipped)
    assert.ok(warned.includes(`loadImageFolder: skipped ${s.file}: ${s.reason}`), `a warning for ${s.file}`);
  assert.ok(
    lines.some(
      l => l.text === 'loadImageFolder shapes: 6 images, 3 classes (circle, square, triangle), 4×4×3, 6 skipped',
    ),
    `the run log says what was loaded: ${JSON.stringify(lines)}`,
  );
  assert.equal(progress.length, 10, 'progress after every image file');
  assert.deepEqual(progress.at(-1), [10, 10]);
  assert.ok(
    lines.some(l => l.text === 'loadImageFolder shapes: 8/10 images'),
    'a progress line every 4 files',
  );
});

test('loadImageFolder: no class folders, no images, an empty class, a missing folder are clear errors', async () => {
  write('flat/1.png', '');
  fs.writeFileSync(path.join(dir, 'flat/1.png'), pngBytes(solid(2, 2, [0, 0, 0])));
  await assert.rejects(loadImageFolder('flat', { size: [2, 2] }), /flat has no class sub-folders/);
  write('noimg/a/readme.txt', 'x');
  fs.mkdirSync(path.join(dir, 'noimg/b'));
  await assert.rejects(
    loadImageFolder('noimg', { size: [2, 2] }),
    /noimg has no PNG or JPEG images in its class folders \(a, b\)/,
  );
  write('onebad/a/1.png', '');
  fs.writeFileSync(path.join(dir, 'onebad/a/1.png'), pngBytes(solid(2, 2, [0, 0, 0])));
  write('onebad/b/broken.png', 'not an image');
  await assert.rejects(loadImageFolder('onebad', { size: [2, 2] }), /no usable image in class folder 'b'/);
  await assert.rejects(
    loadImageFolder('nowhere', { size: [2, 2] }),
    (e: Error) => e.message.includes(`${path.join(dir, 'nowhere')} does not exist`) || assert.fail(e.message),
  );
  await assert.rejects(loadImageFolder('flat', { size: [0, 2] as [number, number] }), /size must be \[height, width\]/);
});
