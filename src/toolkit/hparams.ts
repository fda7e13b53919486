/**
 * Hyper-parameters of a job: `hparams(defaults, space?)` returns the defaults, overridden by the values a sweep
 * trial passes (JSON in TRAINING_LENS_HPARAMS, set by the runner; also usable by hand outside Training Lens).
 * `space` declares what the Sweep command searches (e.g. lr 1e-6..1e-2 and weight decay 1e-8..1e-4, log-uniformly,
 * as Deep Learning from Scratch §6.5 does). The sweep reads it from the source text, so write it as an object literal.
 */
import { isSpaceSpec, specAccepts, describeSpec, type HparamValue, type SpaceSpec } from './search';

export type { HparamValue } from './search';

/** Env var the runner sets from a sweep trial's values before the job loads (also usable outside Training Lens). */
export const HPARAMS_ENV = 'TRAINING_LENS_HPARAMS';
export type Hparams = Record<string, HparamValue>;
/** [min, max] per numeric hyper-parameter, searched log-uniformly (min > 0) */
/** or a search space of src/toolkit/search.ts: choice(...), intRange(lo, hi), uniform(lo, hi), logUniform(lo, hi) */
export type HparamSpace<T extends Hparams> = {
  [K in keyof T]?: T[K] extends number ? readonly [number, number] | SpaceSpec : SpaceSpec;
};

function describe(v: unknown): string {
  return Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v;
}

/** Validates the declared search space against the defaults (a wrong space would only fail later, in a sweep). */
function checkSpace(defaults: Hparams, space: Record<string, unknown>): void {
  for (const [key, range] of Object.entries(space)) {
    if (!Object.hasOwn(defaults, key))
      throw new Error(
        `training-lens hparams: the search space names '${key}', which has no default (defaults: ${Object.keys(defaults).join(', ')})`,
      );
    if (isSpaceSpec(range)) {
      if (!specAccepts(range, defaults[key]))
        throw new Error(
          `training-lens hparams: '${key}' has a ${describe(defaults[key])} default ${JSON.stringify(defaults[key])} but is searched over ${describeSpec(range)}`,
        );
      continue;
    }
    if (typeof defaults[key] !== 'number')
      throw new Error(
        `training-lens hparams: '${key}' has a ${describe(defaults[key])} default; only numeric hyper-parameters have a [min, max] range`,
      );
    const ok =
      Array.isArray(range) &&
      range.length === 2 &&
      range.every(n => typeof n === 'number' && Number.isFinite(n) && n > 0) &&
      range[0] < range[1];
    if (!ok)
      throw new Error(
        `training-lens hparams: the range of '${key}' must be [min, max] with 0 < min < max (searched log-uniformly), got ${JSON.stringify(range)}`,
      );
  }
}

/** The overrides a sweep passed (empty when the job runs on its own). */
export function readOverrides(env: Record<string, string | undefined> = process.env): Hparams {
  const text = env[HPARAMS_ENV];
  if (text == null || text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(
      `training-lens hparams: ${HPARAMS_ENV} is not valid JSON (${(e as Error).message}): ${text.slice(0, 200)}`,
      { cause: e },
    );
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(
      `training-lens hparams: ${HPARAMS_ENV} must be a JSON object such as {"lr": 0.001}, got ${describe(parsed)}`,
    );
  }
  return parsed as Hparams;
}

/**
 * Returns `defaults` with the sweep's values in place. An override of a key the defaults do not have, or of a
 * different type than its default (e.g. "64" for 64), is an error naming the key.
 */
export function hparams<const T extends Hparams>(
  defaults: T,
  space?: HparamSpace<T>,
  env: Record<string, string | undefined> = process.env,
): {
  -readonly [K in keyof T]: T[K] extends number
    ? number
    : T[K] extends string
      ? string
      : T[K] extends boolean
        ? boolean
        : T[K];
} {
  if (!defaults || typeof defaults !== 'object' || Array.isArray(defaults)) {
    throw new Error(
      'training-lens hparams: the first argument must be an object of defaults, e.g. hparams({ lr: 1e-3 })',
    );
  }
  for (const [key, value] of Object.entries(defaults)) {
    const t = typeof value;
    if (t !== 'number' && t !== 'string' && t !== 'boolean')
      throw new Error(
        `training-lens hparams: the default of '${key}' must be a number, string or boolean, got ${describe(value)}`,
      );
  }
  if (space != null) checkSpace(defaults, space as Record<string, unknown>);
  const overrides = readOverrides(env);
  const out: Hparams = { ...defaults };
  for (const [key, value] of Object.entries(overrides)) {
    // own keys only: `key in defaults` accepts inherited names (constructor, toString, __proto__)
    if (!Object.hasOwn(defaults, key))
      throw new Error(
        `training-lens hparams: the sweep sets '${key}', which is not one of the defaults (${Object.keys(defaults).join(', ')})`,
      );
    if (typeof value !== typeof defaults[key] || (typeof value === 'number' && !Number.isFinite(value))) {
      throw new Error(
        `training-lens hparams: '${key}' must be a ${typeof defaults[key]} like its default ${JSON.stringify(defaults[key])}, but the sweep passed ${JSON.stringify(value)} (${describe(value)})`,
      );
    }
    // defineProperty: assigning to `__proto__` would swap the object's prototype
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return out as ReturnType<typeof hparams<T>>;
}
