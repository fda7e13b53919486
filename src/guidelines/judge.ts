/**
 * The guideline rules' judgement, once: given a small model description (ModelShape over ShapeLayer), which
 * guidelines it breaks, why (the message), with what evidence and source. Two callers feed it: the lint rules with
 * the model parsed from the source (rules.ts: they place findings on syntax nodes and build quick fixes), and the
 * check of the real model at fit start (modelCheck.ts: placed on the layers' recorded call sites).
 */
import { DEFAULT_KERNEL_INITIALIZER } from '../analysis/catalog';
import {
  SOURCES,
  initRowForActivation,
  initRowForFamily,
  initializerScaling,
  SATURATING,
  REGULARIZATION,
  type InitRow,
  type InitializerScaling,
} from './tables';
import type { StaticCode, Severity } from './settings';
import {
  effectiveActivation,
  isHidden,
  type EffectiveActivation,
  type LayerOf,
  type ModelShape,
  type ShapeLayer,
  type ShapeModel,
} from './shape';
import { cite, message, type JudgeOptions, type Verdict } from './verdict';
import { judgeOutput } from './judgeOutput';

export type { FixHint, Target, Verdict, JudgeOptions } from './verdict';
export { judgeOptimizer, judgeLearningRate, RULE_OPTIMIZER } from './judgeOptimizer';

// rule citations shared by many findings: built once
const RULE_SELU_INIT = `${SOURCES.initTable}; ${SOURCES.selu}`;
const RULE_SELU_SETUP = `${SOURCES.selfNormalizingConfig}; ${SOURCES.selu}`;
const RULE_ALPHA_DROPOUT = `${SOURCES.dropout}; ${SOURCES.selu}`;
const RULE_BATCH_NORM = `${SOURCES.defaultConfig}; ${SOURCES.batchNorm}`;
const RULE_SATURATING = `${SOURCES.vanishing}; ${SOURCES.activationRanking}`;
const RULE_DROPOUT_ABOVE = `${REGULARIZATION.dropout.source}; ${SOURCES.umlaut}`;

export const DEFAULT_SEVERITY: Readonly<Record<StaticCode, Severity>> = {
  'init-activation-mismatch': 'warning',
  'constant-init': 'error',
  'selu-setup': 'warning',
  'alpha-dropout-with-selu': 'warning',
  'adagrad-deep': 'warning',
  'dropout-rate': 'warning',
  'saturating-hidden-activation': 'warning',
  'deep-without-batchnorm': 'info',
  'output-activation-loss': 'error',
  'lr-range': 'warning',
  'optimizer-default': 'info',
};

/** The initializer the table recommends, keeping the layer's normal/uniform choice when it made one. */
export function recommendedInitializer(row: InitRow, current?: string): string {
  if (row.family === 'lecun') return row.tfjsNormal; // SELU's self-normalization is derived for LeCun normal
  if (current && /Uniform$/.test(current)) return row.tfjsUniform;
  if (current && /Normal$/.test(current)) return row.tfjsNormal;
  return row.suggested;
}

export function initName(layer: ShapeLayer): { name?: string; isDefault: boolean; scaling?: InitializerScaling } {
  const init = layer.initializer;
  if (!init || init.state === 'unknown') return { isDefault: false };
  if (init.state === 'absent') return { name: DEFAULT_KERNEL_INITIALIZER, isDefault: true, scaling: 'glorot' };
  return { name: init.value.name, isDefault: false, scaling: initializerScaling(init.value.name, init.value) };
}

// ---- layer rules: G1 initializer per activation, dropout rate ----

/**
 * `act`: the activation the layer's output goes through; `coveredBySelu`: a hidden SELU layer of a model, which
 * gets the fuller selu-setup verdict instead of an initializer mismatch.
 */
export function judgeInitializer<L extends ShapeLayer>(
  layer: L,
  act: EffectiveActivation<L>,
  coveredBySelu: boolean,
  o: JudgeOptions<L>,
): Verdict<L> | undefined {
  if (layer.kind !== 'weight' || !layer.initializer) return undefined;
  const init = initName(layer);
  const row = act.value ? initRowForActivation(act.value) : undefined;
  const actText = act.value === 'linear' && act.isDefault ? 'linear (no activation)' : act.value;
  if (init.scaling === 'constant') {
    const target = row ? recommendedInitializer(row) : DEFAULT_KERNEL_INITIALIZER;
    return {
      code: 'constant-init',
      at: { part: layer.initializer.state === 'known' ? 'initializer' : 'call', layer },
      label: o.label(layer),
      message: message(
        `constant|${init.name}|${row ? target : ''}|${actText}`,
        () =>
          `The kernel starts as ${init.name === 'zeros' ? 'all zeros' : init.name === 'ones' ? 'all ones' : 'a constant'}: every unit computes the same output, receives the same gradient and stays a copy of the others, so the layer learns like a single unit. Use a random initializer scaled for the activation${row ? ` (${target} for ${actText})` : ''}.${cite(SOURCES.initExperiments)}`,
      ),
      evidence: { initializer: init.name!, activation: act.value ?? null, recommended: target, choice: !row },
      rule: SOURCES.initExperiments,
      fix: { kind: 'initializer', layer, target, why: 'constant', row, activation: actText },
    };
  }
  if (
    row &&
    init.scaling &&
    init.scaling !== 'other' &&
    init.scaling !== row.family &&
    !(row.family === 'lecun' && coveredBySelu)
  ) {
    const target = recommendedInitializer(row, init.isDefault ? undefined : init.name);
    const scaling = init.scaling;
    return {
      code: 'init-activation-mismatch',
      at: { part: 'call', layer },
      label: o.label(layer),
      message: message(`mismatch|${actText}|${init.name}|${init.isDefault}|${target}`, () => {
        const current = init.isDefault
          ? `${init.name} (the tfjs default when no kernelInitializer is given)`
          : init.name;
        const why =
          scaling === 'fixed-scale'
            ? `${init.name} draws weights with a fixed spread whatever the layer width, so activations shrink or blow up with depth${act.value === 'sigmoid' ? ' (with a spread of 1, sigmoid outputs pile up at 0 and 1 and their gradients vanish)' : ''}.`
            : `${initRowForFamily(scaling as 'glorot' | 'he' | 'lecun').label} scaling is derived for ${initRowForFamily(scaling as 'glorot' | 'he' | 'lecun').activationsText}, not for ${actText}.`;
        return `This ${actText} layer starts from ${current}. ${why} The initializer table pairs ${row.activationsText} with ${row.label} initialization (normal variance ${row.normalVariance}): ${target}.${cite(row.source)}`;
      }),
      evidence: {
        activation: act.value!,
        initializer: init.name!,
        initializerIsDefault: init.isDefault,
        recommended: target,
        activationFrom: act.from === layer ? 'layer' : act.from.factory,
      },
      rule: row.source,
      fix: { kind: 'initializer', layer, target, why: 'mismatch', row, activation: act.value },
    };
  }
  return undefined;
}

export function judgeDropoutRate<L extends ShapeLayer>(layer: L, o: JudgeOptions<L>): Verdict<L> | undefined {
  if (layer.kind !== 'dropout' || layer.rate.state !== 'known') return undefined;
  const rate = layer.rate.value;
  const { dropoutRateMin: lo, dropoutRateMax: hi } = o.settings;
  const base = {
    code: 'dropout-rate' as const,
    at: { part: 'rate' as const, layer },
    label: o.label(layer),
    evidence: { rate, min: lo, max: hi },
  };
  if (rate < 0 || rate >= 1) {
    return {
      ...base,
      severity: 'error',
      rule: REGULARIZATION.dropout.source,
      message: `Dropout rate ${rate} is not a probability below 1: ${rate >= 1 ? 'every unit would be dropped' : 'a negative rate means nothing'}. Rates between ${lo} and ${hi} are the usual range.${cite(REGULARIZATION.dropout.source)}`,
    };
  }
  if (rate > hi) {
    return {
      ...base,
      rule: RULE_DROPOUT_ABOVE,
      message: message(
        `dropout-above|${rate}|${lo}|${hi}`,
        () =>
          `Dropout rate ${rate} drops more than ${Math.round(hi * 100)}% of the units each step: the layer's remaining units have to carry the signal alone and training slows or underfits. The usual range is ${lo}-${hi} (up to 0.5 for CNNs, 0.2-0.3 for recurrent nets); UMLAUT also flags rates above 0.5.${cite(REGULARIZATION.dropout.source)}`,
      ),
    };
  }
  if (rate < lo) {
    return {
      ...base,
      severity: 'info',
      rule: REGULARIZATION.dropout.source,
      message: `Dropout rate ${rate} is below ${lo}: it barely regularizes. Typical rates are ${lo}-${hi}; if the model does not overfit, the layer can go.${cite(REGULARIZATION.dropout.source)}`,
    };
  }
  return undefined;
}

// ---- model rules: SELU, depth, output/loss ----

/** Model-level verdicts; `loss`: the compiled loss's canonical name, when known. */
export function judgeModel<M extends ShapeModel<ShapeLayer>>(
  shape: ModelShape<M>,
  o: JudgeOptions<LayerOf<M>>,
  loss?: string,
): Verdict<LayerOf<M>>[] {
  type L = LayerOf<M>;
  const out: Verdict<L>[] = [];
  const { settings } = o;
  const entries = shape.model.entries;
  const deep = shape.hiddenMin > settings.deepHiddenLayers;
  const hiddenActs = entries.map((e, i) =>
    e.layer && isHidden(shape, i) ? (effectiveActivation(entries, i) as EffectiveActivation<L>) : undefined,
  );
  const seluLayers = entries.filter((_, i) => hiddenActs[i]?.value === 'selu').map(e => e.layer as L);
  const selu = seluLayers.length > 0;

  if (selu) {
    for (const layer of new Set(seluLayers)) {
      const init = initName(layer);
      if (init.scaling && init.scaling !== 'lecun' && init.scaling !== 'other') {
        const row = initRowForFamily('lecun');
        out.push({
          code: 'selu-setup',
          at: { part: 'call', layer },
          label: o.label(layer),
          message: message(
            `selu-init|${init.name}|${init.isDefault}`,
            () =>
              `SELU only keeps each layer's outputs at mean 0 and variance 1 when the weights start with LeCun normal initialization (variance 1/fan_in); this layer uses ${init.isDefault ? `${init.name} (the tfjs default)` : init.name}. Set kernelInitializer to leCunNormal.${cite(SOURCES.selu)}`,
          ),
          evidence: {
            activation: 'selu',
            initializer: init.name!,
            initializerIsDefault: init.isDefault,
            recommended: row.tfjsNormal,
            problem: 'initializer',
          },
          rule: RULE_SELU_INIT,
          fix: { kind: 'initializer', layer, target: row.tfjsNormal, why: 'selu' },
        });
      }
    }
    for (const e of entries) {
      const layer = e.layer as L | undefined;
      if (layer?.kind === 'normalization' && layer.factory === 'batchNormalization') {
        out.push({
          code: 'selu-setup',
          at: { part: 'call', layer },
          label: o.label(layer),
          message: `Batch normalization in a SELU network: SELU is meant to normalize the activations by itself, and the self-normalizing configuration uses no batch norm. Keep one of the two: SELU with LeCun init and no batch norm, or ELU/ReLU with He init and batch norm.${cite(SOURCES.selfNormalizingConfig)}`,
          evidence: { activation: 'selu', problem: 'batch-norm' },
          rule: RULE_SELU_SETUP,
        });
      }
      if (layer?.kind === 'dropout' && layer.factory === 'dropout') {
        const ns = o.layerNamespace?.(layer);
        out.push({
          code: 'alpha-dropout-with-selu',
          at: { part: 'call', layer },
          label: o.label(layer),
          message: message(
            `alpha|${ns}`,
            () =>
              `Ordinary dropout in a SELU network zeroes units and rescales the rest, which shifts the mean and variance SELU relies on. Alpha dropout drops units to SELU's negative saturation value and keeps mean and variance intact: use ${ns ? ns + '.' : ''}alphaDropout with the same rate.${cite(SOURCES.selu)}`,
          ),
          evidence: { activation: 'selu', rate: layer.rate.state === 'known' ? layer.rate.value : null },
          rule: RULE_ALPHA_DROPOUT,
          fix: { kind: 'alpha-dropout', layer },
        });
      }
    }
    if (shape.plainDense === 'no') {
      const first = seluLayers[0];
      out.push({
        code: 'selu-setup',
        severity: 'info',
        at: { part: 'call', layer: first },
        label: o.label(first),
        message: `SELU's self-normalization is proven for a plain stack of dense layers; this model ${entries.some(x => x.layer?.family === 'conv' || x.layer?.family === 'recurrent') ? 'has convolutional or recurrent layers' : 'is not a single chain (branches or merges)'}, so SELU may not keep activations normalized here. The default configuration (ELU or ReLU, He init, batch norm when deep) is the safer choice.${cite(SOURCES.selu)}`,
        evidence: { activation: 'selu', problem: 'not-plain-dense' },
        rule: RULE_SELU_SETUP,
      });
    }
  }

  if (deep) {
    for (let i = 0; i < entries.length; i++) {
      const act = hiddenActs[i];
      const layer = entries[i].layer as L | undefined;
      if (!act?.value || !layer || !SATURATING.has(act.value) || layer.family === 'recurrent') continue;
      // the one-click fix only when the activation is written in this layer's config (not in an activation layer after it)
      const ownActivationWritten = act.from === layer && layer.activation.state === 'known';
      const value = act.value;
      out.push({
        code: 'saturating-hidden-activation',
        at: { part: 'call', layer },
        label: o.label(layer),
        message: message(
          `saturating|${value}|${shape.hiddenMin}`,
          () =>
            `${value} saturates: for large inputs its slope is almost 0, and in a stack of ${shape.hiddenMin}+ hidden layers these small slopes multiply until the first layers barely learn (vanishing gradients). Hidden layers of deep nets do better with non-saturating activations: the default configuration uses ELU with He initialization (ReLU or leaky ReLU also work).${cite(SOURCES.vanishing)}`,
        ),
        evidence: {
          activation: value,
          hiddenLayers: shape.hiddenMin,
          deepAbove: settings.deepHiddenLayers,
          choice: true,
        },
        rule: RULE_SATURATING,
        fix: ownActivationWritten ? { kind: 'elu-he', layer } : undefined,
      });
    }
    if (!shape.hasNormalization && !selu) {
      out.push({
        code: 'deep-without-batchnorm',
        at: { part: 'model' },
        message: `${shape.hiddenExact ?? `At least ${shape.hiddenMin}`} hidden layers and no batch normalization. For deep nets the default configuration adds batch norm after the hidden layers: it keeps each layer's inputs centred and scaled, makes training less sensitive to the initialization, and tolerates larger learning rates. (Shallow nets need none; "deep" here means more than ${settings.deepHiddenLayers} hidden layers.)${cite(SOURCES.defaultConfig)}`,
        evidence: { hiddenLayers: shape.hiddenMin, deepAbove: settings.deepHiddenLayers },
        rule: RULE_BATCH_NORM,
        fix: { kind: 'batch-norm' },
      });
    }
  }

  if (loss !== undefined) {
    const v = judgeOutput(shape, loss, o);
    if (v) out.push(v);
  }
  return out;
}
