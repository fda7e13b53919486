/**
 * The initializer-per-activation check (G1) for one layer as training sees it (the runner's model summary), shown
 * inline in the dashboard's model table. The lint rule says the same in the editor, from the source.
 */
import { initRowForActivation, initRowForFamily, initializerScaling } from './tables';

export interface LayerCheck {
  ok: boolean;
  text: string;
}

/**
 * `activation`: the one the layer's output goes through (a linear layer followed by batch norm and an Activation
 * layer counts as that activation); `initializer` as the runner names it: heNormal, glorotUniform, Zeros,
 * RandomNormal, varianceScaling(...)
 */
export function checkLayerInitializer(
  activation: string | undefined,
  initializer: string | undefined,
): LayerCheck | undefined {
  if (!activation || !initializer) return undefined;
  const row = initRowForActivation(activation);
  // the runner already names glorot/he/leCun VarianceScaling configurations; any other is outside the table
  const name = initializer.startsWith('varianceScaling(')
    ? 'varianceScaling'
    : initializer[0].toLowerCase() + initializer.slice(1);
  const scaling = initializerScaling(name);
  if (scaling === 'constant')
    return {
      ok: false,
      text: `${name} start: every unit stays a copy of the others${row ? `; use ${row.suggested}` : ''}`,
    };
  if (!row || scaling === 'other') return undefined; // the table has no row for this pairing: say nothing
  if (scaling === 'fixed-scale')
    return { ok: false, text: `${name} ignores the layer width; ${activation} → ${row.label} (${row.suggested})` };
  if (scaling === row.family) return { ok: true, text: `${activation} → ${row.label} ✓` };
  return {
    ok: false,
    text: `${activation} → ${row.label} (${row.suggested}); ${name} is ${initRowForFamily(scaling).label}`,
  };
}
