/**
 * Code lens contents, as plain data with deterministic titles (the extension only maps them to vscode.CodeLens):
 * on each layer call, the initializer G1 recommends for its activation (a suggestion, or a quiet confirmation);
 * on compile, the optimizer's G3 row and the G4 configuration that fits the model's shape.
 */
import type { SourceLocation } from '../protocol/events';
import type { FileSketch, LayerSketch } from '../analysis/model';
import { DEFAULT_KERNEL_INITIALIZER } from '../analysis/catalog';
import {
  initRowForActivation,
  initializerScaling,
  optimizerRow,
  stars,
  qualityStars,
  DEFAULT_CONFIG,
  SELF_NORMALIZING_CONFIG,
} from './tables';
import { shapeOf, placesOf, effectiveActivation, ownActivation, type ModelShape, type Place } from './shape';
import { recommendedInitializer, initializerFix } from './rules';
import { location, type Fix } from './edits';
import { DEFAULT_LINT_SETTINGS, type LintSettings } from './settings';

export interface Lens {
  at: SourceLocation;
  kind: 'init-suggestion' | 'init-confirmation' | 'init-info' | 'optimizer' | 'config';
  title: string;
  tooltip: string;
  /** clicking the lens applies this fix */
  fix?: Fix;
}

export interface LensOptions {
  confirmations: boolean;
  settings: LintSettings;
}

export function lensesFor(
  sketch: FileSketch,
  options: LensOptions = { confirmations: true, settings: DEFAULT_LINT_SETTINGS },
): Lens[] {
  const out: Lens[] = [];
  const shapes = sketch.models.map(shapeOf);
  const places = placesOf(shapes);
  for (const layer of sketch.layers) {
    const lens = layerLens(sketch, places, layer);
    if (lens && (lens.kind !== 'init-confirmation' || options.confirmations)) out.push(lens);
  }
  for (const c of sketch.compiles) {
    const at = location(sketch.sourceFile, c.call.getStart(sketch.sourceFile));
    if (c.optimizer.state === 'known') {
      const o = c.optimizer.value;
      const row = optimizerRow(o.name, o.nesterov?.state === 'known' ? o.nesterov.value : undefined);
      if (row) {
        out.push({
          at,
          kind: 'optimizer',
          title: `${row.label}: speed ${stars(row.speed)} · quality ${qualityStars(row.quality)}${row.key === 'adagrad' ? ' (stops early on deep nets)' : ''}`,
          tooltip: `Optimizer comparison (★ bad, ★★ average, ★★★ good) — ${row.source}`,
        });
      }
    }
    const shape = c.model ? shapes[sketch.models.indexOf(c.model)] : undefined;
    out.push(configLens(at, shape, options.settings));
  }
  return out.sort((a, b) => a.at.line - b.at.line || (a.at.column ?? 0) - (b.at.column ?? 0));
}

function layerLens(sketch: FileSketch, places: Map<LayerSketch, Place>, layer: LayerSketch): Lens | undefined {
  if (layer.kind !== 'weight' || !layer.initializer) return undefined;
  const place = places.get(layer);
  const act = place ? effectiveActivation(place.shape.model.entries, place.index) : ownActivation(layer);
  if (!act.value) return undefined;
  const row = initRowForActivation(act.value);
  if (!row) return undefined;
  const at = location(sketch.sourceFile, layer.call.getStart(sketch.sourceFile));
  const init = layer.initializer;
  const tooltip = `${row.label} initialization suits ${row.activationsText} (normal variance ${row.normalVariance}) — ${row.source}`;
  if (init.state === 'unknown') {
    return { at, kind: 'init-info', title: `${act.value} → ${row.short} (${recommendedInitializer(row)})`, tooltip };
  }
  const current = init.state === 'absent' ? DEFAULT_KERNEL_INITIALIZER : init.value.name;
  const scaling = init.state === 'absent' ? 'glorot' : initializerScaling(init.value.name, init.value);
  if (scaling === row.family) {
    return { at, kind: 'init-confirmation', title: `✓ ${act.value} → ${row.short} (${current})`, tooltip };
  }
  if (scaling === 'other') {
    return {
      at,
      kind: 'init-info',
      title: `${act.value} → ${row.short} (${recommendedInitializer(row)}) · now ${current}, not in the table`,
      tooltip,
    };
  }
  const target = recommendedInitializer(row, init.state === 'absent' ? undefined : current);
  const fix = initializerFix(sketch, layer, target, `Use ${target} (${row.label} initialization for ${act.value})`);
  return {
    at,
    kind: 'init-suggestion',
    title: `${act.value} → ${row.short} (${target}) recommended · now ${current}${init.state === 'absent' ? ' (default)' : ''}`,
    tooltip: fix ? `${tooltip}. Click to set kernelInitializer: '${target}'.` : tooltip,
    fix,
  };
}

function configLens(at: SourceLocation, shape: ModelShape | undefined, settings: LintSettings): Lens {
  if (shape?.plainDense === 'yes') {
    const c = SELF_NORMALIZING_CONFIG;
    return {
      at,
      kind: 'config',
      title: `Plain dense stack → self-normalizing config: LeCun init · SELU · no batch norm · alpha dropout if needed · momentum/RMSProp/Nadam · 1cycle`,
      tooltip: `${c.label}: initializer ${c.initializer}, activation ${c.activation}, normalization ${c.normalization}, regularization ${c.regularization}, optimizer ${c.optimizer}, schedule ${c.schedule} — ${c.source}. Otherwise: ${DEFAULT_CONFIG.source}.`,
    };
  }
  const c = DEFAULT_CONFIG;
  const deep = shape ? shape.hiddenMin > settings.deepHiddenLayers : undefined;
  const shallow = shape?.hiddenExact !== undefined && shape.hiddenExact <= settings.deepHiddenLayers;
  const norm = deep ? 'batch norm (deep net)' : shallow ? 'no batch norm (shallow net)' : 'batch norm if deep';
  return {
    at,
    kind: 'config',
    title: `Default config: He init · ELU · ${norm} · early stopping · momentum/RMSProp/Nadam · 1cycle`,
    tooltip: `${c.label}: initializer ${c.initializer}, activation ${c.activation}, normalization ${c.normalization}, regularization ${c.regularization}, optimizer ${c.optimizer}, schedule ${c.schedule} — ${c.source}. "Deep" = more than ${settings.deepHiddenLayers} hidden layers (trainingLens.lint.deepHiddenLayers).`,
  };
}
