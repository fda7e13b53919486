/**
 * Search spaces a job declares next to its defaults: `hparams(defaults, { n_hidden: choice(0, 1, 2, 3),
 * n_neurons: intRange(1, 99), lr: logUniform(3e-4, 3e-2) })` — scikit-learn's `param_distributions` one-to-one
 * (a list, `arange`, `uniform`, `reciprocal`). A bare `[lo, hi]` still means `logUniform(lo, hi)`. The sweep reads
 * these calls from the source (parse-only); at run time they only describe and check the space.
 */
/** What a hyper-parameter can be. */
export type HparamValue = number | string | boolean;

export type SpaceSpec =
  | { readonly kind: 'choice'; readonly values: readonly HparamValue[] }
  | { readonly kind: 'intRange'; readonly lo: number; readonly hi: number; readonly step: number }
  | { readonly kind: 'uniform'; readonly lo: number; readonly hi: number }
  | { readonly kind: 'logUniform'; readonly lo: number; readonly hi: number };

const SPEC = Symbol.for('training-lens.space');

function spec<T extends SpaceSpec>(s: T): T {
  return Object.freeze(Object.assign(s, { [SPEC]: true }));
}

export function isSpaceSpec(v: unknown): v is SpaceSpec {
  return typeof v === 'object' && v !== null && (v as Record<symbol, unknown>)[SPEC] === true;
}

function finite(what: string, ...ns: number[]): void {
  if (!ns.every(n => typeof n === 'number' && Number.isFinite(n)))
    throw new Error(`training-lens ${what}: bounds must be finite numbers, got ${JSON.stringify(ns)}`);
}

/** One of these values, each as likely (numbers, strings or booleans): scikit-learn's list `[0, 1, 2, 3]`. */
export function choice<const V extends HparamValue>(
  ...values: V[]
): { readonly kind: 'choice'; readonly values: readonly V[] } {
  if (values.length === 0) throw new Error('training-lens choice: give at least one value, e.g. choice(0, 1, 2, 3)');
  for (const v of values) {
    if (!['number', 'string', 'boolean'].includes(typeof v) || (typeof v === 'number' && !Number.isFinite(v))) {
      throw new Error(`training-lens choice: values must be numbers, strings or booleans, got ${JSON.stringify(v)}`);
    }
  }
  return spec({ kind: 'choice', values });
}

/** A whole number from lo to hi, both included (every `step`-th), each as likely: `arange(1, 100)` is intRange(1, 99). */
export function intRange(
  lo: number,
  hi: number,
  step = 1,
): { readonly kind: 'intRange'; readonly lo: number; readonly hi: number; readonly step: number } {
  finite('intRange', lo, hi, step);
  if (![lo, hi, step].every(Number.isInteger) || step < 1 || lo > hi) {
    throw new Error(
      `training-lens intRange: needs whole numbers lo ≤ hi and step ≥ 1, got intRange(${lo}, ${hi}, ${step})`,
    );
  }
  return spec({ kind: 'intRange', lo, hi, step });
}

/** Uniform between lo and hi (dropout rates, momentum): scipy's `uniform`. */
export function uniform(
  lo: number,
  hi: number,
): { readonly kind: 'uniform'; readonly lo: number; readonly hi: number } {
  finite('uniform', lo, hi);
  if (!(lo < hi)) throw new Error(`training-lens uniform: needs lo < hi, got uniform(${lo}, ${hi})`);
  return spec({ kind: 'uniform', lo, hi });
}

/** Log-uniform between lo and hi, 0 < lo < hi (each decade as likely: learning rates, decays): scipy's `reciprocal`. */
export function logUniform(
  lo: number,
  hi: number,
): { readonly kind: 'logUniform'; readonly lo: number; readonly hi: number } {
  finite('logUniform', lo, hi);
  if (!(lo > 0 && lo < hi))
    throw new Error(`training-lens logUniform: needs 0 < lo < hi, got logUniform(${lo}, ${hi})`);
  return spec({ kind: 'logUniform', lo, hi });
}

/** Is `v` a value the spec can produce? (the type check of hparams() against the defaults) */
export function specAccepts(s: SpaceSpec, v: HparamValue): boolean {
  return s.kind === 'choice' ? s.values.some(x => typeof x === typeof v) : typeof v === 'number';
}

export function describeSpec(s: SpaceSpec): string {
  switch (s.kind) {
    case 'choice':
      return `choice(${s.values.map(v => JSON.stringify(v)).join(', ')})`;
    case 'intRange':
      return `intRange(${s.lo}, ${s.hi}${s.step !== 1 ? `, ${s.step}` : ''})`;
    default:
      return `${s.kind}(${s.lo}, ${s.hi})`;
  }
}
