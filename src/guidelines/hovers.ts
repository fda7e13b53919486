/**
 * Hover texts (Markdown) on activation, initializer, optimizer and loss names: the table row, the defaults, and
 * the source. Pure: the extension wraps the text in a vscode.Hover.
 */
import { hoverTargetsOf, type FileSketch, type HoverTarget } from '../analysis/model';
import { STRING_OPTIMIZER_LR, FACTORY_OPTIMIZER_LR } from '../analysis/catalog';
import {
  INIT_TABLE,
  ACTIVATION_RANKING,
  ACTIVATION_NOTES,
  SATURATING,
  SOURCES,
  OPTIMIZER_NOTES,
  initRowForActivation,
  initializerScaling,
  initRowForFamily,
  optimizerRow,
  stars,
  qualityStars,
  SCHEDULES,
  type InitRow,
} from './tables';

export interface HoverInfo {
  start: number;
  end: number;
  markdown: string;
}

/** The hover at a 0-based offset of the sketched text, if a name the tables speak about is there. */
export function hoverAt(sketch: FileSketch, offset: number): HoverInfo | undefined {
  const t = findTarget(hoverTargetsOf(sketch), offset);
  if (!t) return undefined;
  const markdown = hoverMarkdown(t);
  return markdown ? { start: t.start, end: t.end, markdown } : undefined;
}

function findTarget(targets: readonly HoverTarget[], offset: number): HoverTarget | undefined {
  // sorted by start: binary search for the last target starting at or before offset
  let lo = 0,
    hi = targets.length - 1,
    found: HoverTarget | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (targets[mid].start <= offset) {
      found = targets[mid];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found && offset <= found.end ? found : undefined;
}

export function hoverMarkdown(t: Pick<HoverTarget, 'kind' | 'name' | 'optimizer'>): string | undefined {
  switch (t.kind) {
    case 'activation':
      return activationHover(t.name);
    case 'initializer':
      return initializerHover(t.name);
    case 'optimizer':
      return optimizerHover(t);
    case 'loss':
      return lossHover(t.name);
  }
}

const header = (what: string) => `**Training Lens** · ${what}\n\n`;
const sourceLine = (...sources: string[]) => `\n\n_Source: ${[...new Set(sources)].join('; ')}_`;

function rowTable(row: InitRow, highlight?: string): string {
  return [
    '| initializer | for activations | variance (normal) | uniform limit | tfjs |',
    '|---|---|---|---|---|',
    `| **${row.label}** | ${row.activationsText} | ${row.normalVariance} | ${row.uniformLimit} | ${[row.tfjsNormal, row.tfjsUniform].map(n => (n === highlight ? `**\`${n}\`**` : `\`${n}\``)).join(', ')} |`,
  ].join('\n');
}

function ranking(name: string): string {
  return ACTIVATION_RANKING.map(r => (r.names.includes(name) ? `**${r.label}**` : r.label)).join(' > ');
}

function activationHover(name: string): string {
  const row = initRowForActivation(name);
  const parts = [header(`activation \`${name}\``)];
  if (row)
    parts.push(
      `Recommended kernel initializer: **${row.label}** (\`${name === 'selu' ? row.tfjsNormal : row.suggested}\`).\n\n${rowTable(row)}`,
    );
  else
    parts.push(
      `The initializer table has no row for \`${name}\`; Training Lens makes no initializer suggestion for it.`,
    );
  const inRanking = ACTIVATION_RANKING.some(r => r.names.includes(name));
  if (inRanking) parts.push(`\n\nHidden-layer preference: ${ranking(name)}.`);
  if (name === 'selu') parts.push(`\n\n${ACTIVATION_NOTES.seluConditions}`);
  if (SATURATING.has(name))
    parts.push(
      '\n\nSaturates for large inputs (slope near 0): in deep stacks its gradients vanish. Fine in output layers and shallow nets.',
    );
  if (name === 'softmax')
    parts.push('\n\nOutput layer of single-label multi-class classifiers (pairs with categoricalCrossentropy).');
  if (name === 'leakyReLU')
    parts.push(
      '\n\nAn alpha of 0.2 did better than 0.01 in the comparison the book cites; prefer leaky ReLU when inference speed matters.',
    );
  return (
    parts.join('') +
    sourceLine(
      ...(row ? [row.source] : []),
      ...(inRanking ? [ACTIVATION_NOTES.source] : []),
      ...(name === 'selu' ? [SOURCES.selu] : []),
    )
  );
}

function initializerHover(name: string): string {
  const scaling = initializerScaling(name);
  const parts = [header(`initializer \`${name}\``)];
  if (scaling === 'glorot' || scaling === 'he' || scaling === 'lecun') {
    const row = initRowForFamily(scaling);
    parts.push(`${rowTable(row, name)}`);
    if (row.note) parts.push(`\n\n${row.note}`);
    return parts.join('') + sourceLine(row.source);
  }
  if (scaling === 'constant') {
    parts.push(
      'Every weight starts with the same value: the units of the layer compute the same thing, get the same gradient and never become different. Use it for biases, not kernels.',
    );
    return parts.join('') + sourceLine(SOURCES.initExperiments);
  }
  if (scaling === 'fixed-scale') {
    parts.push(
      "Draws weights with a spread that does not depend on the layer width: a standard deviation of 1 drives sigmoid outputs to 0 and 1 (vanishing gradients), a tiny one (0.01) makes all activations nearly equal. The table's initializers scale the spread by fan-in/fan-out instead:\n\n",
    );
    parts.push(INIT_TABLE.map(r => `- **${r.label}** (\`${r.tfjsNormal}\`): ${r.activationsText}`).join('\n'));
    return parts.join('') + sourceLine(SOURCES.initExperiments, SOURCES.initTable);
  }
  parts.push(
    'Not in the initializer table. For comparison:\n\n' +
      INIT_TABLE.map(r => `- **${r.label}** (\`${r.tfjsNormal}\`): ${r.activationsText}`).join('\n'),
  );
  return parts.join('') + sourceLine(SOURCES.initTable);
}

function optimizerHover(t: Pick<HoverTarget, 'name' | 'optimizer'>): string | undefined {
  const o = t.optimizer;
  const nesterov = o?.nesterov?.state === 'known' ? o.nesterov.value : undefined;
  const row = optimizerRow(t.name, nesterov);
  const parts = [header(`optimizer \`${t.name}\``)];
  if (row) {
    parts.push(
      [
        '| optimizer | convergence speed | convergence quality |',
        '|---|---|---|',
        `| **${row.label}** | ${stars(row.speed)} | ${qualityStars(row.quality)}${row.qualityNote ? ` (${row.qualityNote})` : ''} |`,
      ].join('\n'),
    );
    if (row.defaults) parts.push(`\n\nTable defaults: ${row.defaults}.`);
  } else {
    parts.push(`\`${t.name}\` is not in the optimizer comparison table.`);
  }
  if (o) {
    const lr =
      o.lr.state === 'known'
        ? `${o.lr.value}`
        : o.lr.state === 'absent'
          ? `${(o.form === 'string' ? STRING_OPTIMIZER_LR : FACTORY_OPTIMIZER_LR)[o.name] ?? 'required'}${o.form === 'string' ? ' (tfjs default for the name)' : ' (tfjs default)'}`
          : 'set at run time';
    parts.push(`\n\nLearning rate here: ${lr}.`);
  }
  if (row && row.key !== 'sgd' && row.key !== 'momentum' && row.key !== 'nesterov')
    parts.push(`\n\n${OPTIMIZER_NOTES.adaptive}`);
  parts.push('\n\nThe default configuration uses momentum optimization (β = 0.9), or RMSProp or Nadam.');
  const schedule = (name: string) => SCHEDULES.find(x => x.name === name)!;
  parts.push(
    `\n\nLearning-rate schedule: the default configuration uses **1cycle** (${schedule('1cycle').formula}); exponential (${schedule('exponential').formula}) and performance scheduling also speed up convergence.`,
  );
  return (
    parts.join('') +
    sourceLine(
      SOURCES.optimizerTable,
      SOURCES.defaultConfig,
      SOURCES.schedules,
      ...(row && row.key !== 'sgd' && row.key !== 'momentum' && row.key !== 'nesterov'
        ? [OPTIMIZER_NOTES.adaptiveSource]
        : []),
    )
  );
}

const LOSS_OUTPUT: Readonly<Record<string, string>> = {
  categoricalCrossentropy: 'softmax output (one-hot labels)',
  sparseCategoricalCrossentropy: 'softmax output (integer labels)',
  binaryCrossentropy: 'sigmoid output (one probability per label)',
  logLoss: 'sigmoid output (probabilities)',
  softmaxCrossEntropy: 'linear output (logits): the loss applies softmax itself',
  sigmoidCrossEntropy: 'linear output (logits): the loss applies the sigmoid itself',
  meanSquaredError: 'usually a linear output (regression)',
  meanAbsoluteError: 'usually a linear output (regression)',
};

function lossHover(name: string): string | undefined {
  const out = LOSS_OUTPUT[name];
  if (!out) return undefined;
  return header(`loss \`${name}\``) + `Pairs with a ${out}.` + sourceLine(SOURCES.outputLayer);
}
