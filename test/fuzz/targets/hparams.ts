/**
 * The hparams env parser: TRAINING_LENS_HPARAMS text (JSON noise, objects whose keys include Object.prototype names,
 * wrong types, broken JSON) against random defaults. Either the defaults come back with the sweep's values in place
 * (a plain object: same keys, same types) or the error starts with "training-lens hparams:".
 */
import fc from 'fast-check';
import { hparams, readOverrides } from '../../../src/toolkit/hparams';
import { expectDocumented, type FuzzTargetSpec } from './spec';

const KEY = fc.oneof(
  fc.constantFrom(
    'lr',
    'units',
    'name',
    'flag',
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
    'valueOf',
    '',
  ),
  fc.string({ maxLength: 8 }),
);
const VALUE = fc.oneof(fc.double(), fc.integer(), fc.string({ maxLength: 8 }), fc.boolean());
const DEFAULTS = fc.dictionary(KEY, VALUE, { maxKeys: 5 });
const objectText = fc
  .dictionary(KEY, fc.oneof(VALUE, fc.jsonValue({ maxDepth: 2 })), { maxKeys: 5 })
  .map(o => JSON.stringify(o));
const ENV = fc.oneof(
  { weight: 4, arbitrary: objectText },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map(v => JSON.stringify(v) ?? '') },
  { weight: 1, arbitrary: objectText.chain(t => fc.nat(t.length).map(n => t.slice(0, n))) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
);

const spec: FuzzTargetSpec<{ defaults: Record<string, number | string | boolean>; env: string }> = {
  arbitrary: fc.record({ defaults: DEFAULTS, env: ENV }),
  check({ defaults, env }) {
    const vars = { TRAINING_LENS_HPARAMS: env };
    try {
      readOverrides(vars);
    } catch (e) {
      expectDocumented(e, m => m.startsWith('training-lens hparams:'), 'readOverrides');
    }
    let out: Record<string, unknown>;
    try {
      out = hparams(defaults, undefined, vars);
    } catch (e) {
      expectDocumented(e, m => m.startsWith('training-lens hparams:'), 'hparams');
      return;
    }
    if (Object.getPrototypeOf(out) !== Object.prototype)
      throw new Error('hparams() returned an object with another prototype');
    const keys = (o: object) => Reflect.ownKeys(o).map(String).sort();
    if (JSON.stringify(keys(out)) !== JSON.stringify(keys(defaults)))
      throw new Error(`keys ${keys(out)} differ from the defaults' ${keys(defaults)}`);
    for (const k of Object.keys(defaults)) {
      const v = Object.getOwnPropertyDescriptor(out, k)?.value;
      if (typeof v !== typeof defaults[k]) throw new Error(`'${k}' changed type: ${typeof v}`);
    }
  },
};
export default spec;
