/**
 * Lint thresholds. Defaults come from the guideline tables (tables.ts); every one is a `trainingLens.lint.*` setting.
 */
import { REGULARIZATION, LEARNING_RATE } from './tables';

export const STATIC_CODES = [
  'init-activation-mismatch',
  'constant-init',
  'selu-setup',
  'alpha-dropout-with-selu',
  'adagrad-deep',
  'dropout-rate',
  'saturating-hidden-activation',
  'deep-without-batchnorm',
  'output-activation-loss',
  'lr-range',
  'optimizer-default',
] as const;
export type StaticCode = (typeof STATIC_CODES)[number];
export type Severity = 'error' | 'warning' | 'info';
export type SeverityOverride = Severity | 'off';

export interface LintSettings {
  /** a model is deep when it has more than this many hidden layers (dense/conv/recurrent, output excluded) */
  deepHiddenLayers: number;
  dropoutRateMin: number;
  dropoutRateMax: number;
  learningRateMin: number;
  learningRateMax: number;
  /** per-code severity override, or 'off' */
  rules: Partial<Record<StaticCode, SeverityOverride>>;
}

export const DEFAULT_LINT_SETTINGS: Readonly<LintSettings> = Object.freeze({
  deepHiddenLayers: 4,
  dropoutRateMin: REGULARIZATION.dropout.range[0],
  dropoutRateMax: REGULARIZATION.dropout.range[1],
  learningRateMin: LEARNING_RATE.range[0],
  learningRateMax: LEARNING_RATE.range[1],
  rules: {},
});

/** The `trainingLens.lint.*` keys (without the prefix) this module reads. */
export const LINT_SETTING_KEYS = [
  'deepHiddenLayers',
  'dropoutRateMin',
  'dropoutRateMax',
  'learningRateMin',
  'learningRateMax',
  'rules',
] as const;

const SEVERITIES = new Set(['error', 'warning', 'info', 'off']);

/** Reads settings through `get` (e.g. a VS Code configuration); invalid values fall back to the defaults. */
export function lintSettingsFrom(get: (key: (typeof LINT_SETTING_KEYS)[number]) => unknown): LintSettings {
  const num = (key: (typeof LINT_SETTING_KEYS)[number], fallback: number, ok: (n: number) => boolean) => {
    const v = get(key);
    return typeof v === 'number' && Number.isFinite(v) && ok(v) ? v : fallback;
  };
  const d = DEFAULT_LINT_SETTINGS;
  const s: LintSettings = {
    deepHiddenLayers: num('deepHiddenLayers', d.deepHiddenLayers, n => Number.isInteger(n) && n >= 0),
    dropoutRateMin: num('dropoutRateMin', d.dropoutRateMin, n => n >= 0 && n < 1),
    dropoutRateMax: num('dropoutRateMax', d.dropoutRateMax, n => n > 0 && n < 1),
    learningRateMin: num('learningRateMin', d.learningRateMin, n => n > 0),
    learningRateMax: num('learningRateMax', d.learningRateMax, n => n > 0),
    rules: {},
  };
  if (s.dropoutRateMin > s.dropoutRateMax) {
    s.dropoutRateMin = d.dropoutRateMin;
    s.dropoutRateMax = d.dropoutRateMax;
  }
  if (s.learningRateMin > s.learningRateMax) {
    s.learningRateMin = d.learningRateMin;
    s.learningRateMax = d.learningRateMax;
  }
  const rules = get('rules');
  if (rules && typeof rules === 'object' && !Array.isArray(rules)) {
    for (const [code, sev] of Object.entries(rules as Record<string, unknown>)) {
      if ((STATIC_CODES as readonly string[]).includes(code) && typeof sev === 'string' && SEVERITIES.has(sev))
        s.rules[code as StaticCode] = sev as SeverityOverride;
    }
  }
  return s;
}
