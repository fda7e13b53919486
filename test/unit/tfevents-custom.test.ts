// The toolkit's custom series reach TensorBoard under the same tags export uses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { translate } from '../../src/tfevents/translate';

const base = { runId: 'r', seq: 1, t: 0 };

test('log() becomes a custom/<name> scalar at its step', () => {
  const out = translate({ ...base, kind: 'custom-scalar', name: 'margin', step: 7, value: 0.25 });
  assert.deepEqual(out, { step: 7, values: [{ tag: 'custom/margin', simple_value: 0.25 }] });
  assert.equal(
    translate({ ...base, kind: 'custom-scalar', name: 'margin', step: 8, value: null }),
    undefined,
    'NaN skipped',
  );
});

test('logHistogram() becomes a custom_hist/<name> histogram with its counts', () => {
  const out = translate({
    ...base,
    kind: 'custom-histogram',
    name: 'logits',
    step: 3,
    edges: [0, 1, 2],
    counts: [4, 6],
    nonFinite: 0,
  });
  assert.equal(out?.step, 3);
  const v = out?.values[0];
  assert.equal(v?.tag, 'custom_hist/logits');
  assert.deepEqual(v?.histo?.bucket, [4, 6], 'the counts');
  assert.equal(v?.histo?.num, 10, 'their total');
});
