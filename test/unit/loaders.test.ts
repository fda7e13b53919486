/**
 * The toolkit's data loaders on files generated in a temp dir: CSV (typed columns, classes, malformed files as a
 * clear error or a counted skip), the train/validation split (stratified, shuffled by default).
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { createLoadCsv } from '../../src/toolkit/data/csv';
import { createTrainValSplit } from '../../src/toolkit/data/split';
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
