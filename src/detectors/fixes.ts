/**
 * Concrete edits for runtime findings ("try the fix"): the remedy at the head of a finding's advice, written as
 * a text edit of the job's source, found by the same parse-only analysis the linter uses. A finding gets no fix
 * when the code does not state the value in place (e.g. a learning rate computed elsewhere): never a guess.
 * The job is parsed once per version for all of a run's findings (analysis/sketchCache.ts).
 */
import type ts from 'typescript';
import type { Finding } from '../protocol';
import type { FileSketch, LayerSketch, CompileSketch } from '../analysis/model';
import { jobSketches } from '../analysis/sketchCache';
import { namespaceText } from '../analysis/tfjs';
import { replaceNode, setConfigProperty, stringLiteral, type Fix, type TextEdit } from '../guidelines/edits';
import { STRING_OPTIMIZER_LR, FACTORY_OPTIMIZER_LR } from '../analysis/catalog';

const SATURATING = new Set(['sigmoid', 'tanh', 'hardSigmoid']);

function lineOf(sf: ts.SourceFile, node: ts.Node): number {
  return sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
}

function layerAt(sketch: FileSketch, line: number | undefined, name?: string): LayerSketch | undefined {
  const sf = sketch.sourceFile;
  const byName = name ? sketch.layers.find(l => l.name.state === 'known' && l.name.value === name) : undefined;
  return byName ?? sketch.layers.find(l => line !== undefined && lineOf(sf, l.call) === line);
}

function compileFor(sketch: FileSketch, line: number | undefined, layer?: LayerSketch): CompileSketch | undefined {
  const sf = sketch.sourceFile;
  if (layer) {
    const model = sketch.models.find(m => m.entries.some(e => e.layer === layer));
    if (model?.compile) return model.compile;
  }
  return (
    sketch.compiles.find(c => line !== undefined && lineOf(sf, c.call) === line) ??
    (sketch.compiles.length === 1 ? sketch.compiles[0] : undefined)
  );
}

/** Above this a learning rate is outside the range UMLAUT treats as typical. */
const HIGH_LEARNING_RATE = 0.01;

function knownLearningRate(compile: CompileSketch | undefined): number | undefined {
  if (compile?.optimizer.state !== 'known') return undefined;
  const lr = compile.optimizer.value.lr;
  return lr.state === 'known' && typeof lr.value === 'number' ? lr.value : undefined;
}

function formatLr(x: number): string {
  return String(+x.toPrecision(3));
}

/** The compile's learning rate times `factor`, as an edit of the literal (or of a string optimizer). */
function learningRateFix(sketch: FileSketch, compile: CompileSketch | undefined, factor: number): Fix | undefined {
  if (!compile || compile.optimizer.state !== 'known') return undefined;
  const opt = compile.optimizer.value;
  const sf = sketch.sourceFile;
  const verb = factor < 1 ? 'Lower' : 'Raise';
  if (opt.lr.state === 'known' && typeof opt.lr.value === 'number' && opt.lr.value > 0) {
    const next = opt.lr.value * factor;
    return {
      title: `${verb} the learning rate ${formatLr(opt.lr.value)} → ${formatLr(next)}`,
      edits: [replaceNode(sf, opt.lr.node, formatLr(next))],
    };
  }
  if (opt.lr.state !== 'absent' || !opt.inline) return undefined;
  const base = (opt.form === 'string' ? STRING_OPTIMIZER_LR : FACTORY_OPTIMIZER_LR)[opt.name];
  const train = namespaceText(sketch.imports, 'train');
  if (base === undefined || !train) return undefined;
  const next = formatLr(base * factor);
  const ctor =
    opt.name === 'sgd' ||
    opt.name === 'adam' ||
    opt.name === 'adamax' ||
    opt.name === 'rmsprop' ||
    opt.name === 'adagrad'
      ? opt.name
      : undefined;
  if (!ctor) return undefined;
  return {
    title: `${verb} the learning rate ${formatLr(base)} (the ${opt.name} default) → ${next}`,
    edits: [replaceNode(sf, opt.node, `${train}.${ctor}(${next})`)],
  };
}

function layerConfigFix(
  sketch: FileSketch,
  layers: LayerSketch[],
  props: Record<string, string>,
  title: string,
): Fix | undefined {
  const edits: TextEdit[] = [];
  for (const layer of layers) {
    for (const [key, value] of Object.entries(props)) {
      const e = setConfigProperty(sketch, layer, key, stringLiteral(sketch, value));
      if (!e) return undefined;
      edits.push(e);
    }
  }
  // two properties added to the same object: one edit must insert both, else they overlap at the same spot
  if (hasOverlap(edits)) return undefined;
  return edits.length ? { title, edits } : undefined;
}

function hasOverlap(edits: TextEdit[]): boolean {
  const key = (e: TextEdit) => `${e.start.line}:${e.start.column}`;
  return new Set(edits.map(key)).size !== edits.length;
}

function label(layer: LayerSketch): string {
  return layer.name.state === 'known'
    ? layer.name.value
    : `the ${layer.factory} layer on line ${lineOf(layer.call.getSourceFile(), layer.call)}`;
}

function activation(layer: LayerSketch): string | undefined {
  return layer.activation.state === 'known'
    ? layer.activation.value
    : layer.activation.state === 'absent'
      ? layer.defaultActivation
      : undefined;
}

/** Fixes for one runtime finding, best first; [] when none can be written safely. */
export function runtimeFixes(finding: Finding, text: string, fileName: string): Fix[] {
  if (finding.source !== 'runtime') return [];
  let sketch: FileSketch;
  try {
    sketch = jobSketches.get(fileName, text);
  } catch {
    return [];
  }
  const line = finding.range?.start.line;
  const layer = finding.layer ? (layerAt(sketch, line, finding.layer) ?? layerAt(sketch, line)) : undefined;
  const compile = compileFor(sketch, line, layer);
  const fixes: Array<Fix | undefined> = [];
  switch (finding.code) {
    case 'exploding-gradient':
    case 'non-finite':
    case 'oscillating-loss':
      fixes.push(learningRateFix(sketch, compile, 0.1));
      break;
    case 'noisy-validation':
      // only the learning rate is an edit of the source; a validation set or a batch size is the user's to choose
      if (finding.evidence.cause === 'learning-rate') fixes.push(learningRateFix(sketch, compile, 0.1));
      break;
    case 'loss-not-decreasing':
    case 'slow-convergence':
      fixes.push(learningRateFix(sketch, compile, 10));
      break;
    case 'dead-relu': {
      // Dying is systemic (one large step pushes every ReLU layer's inputs negative): fix all of the model's ReLUs.
      const model = sketch.models.find(m => layer && m.entries.some(e => e.layer === layer)) ?? sketch.models[0];
      const relus = (model?.entries.map(e => e.layer).filter((l): l is LayerSketch => !!l) ?? []).filter(
        l => activation(l) === 'relu',
      );
      const targets = relus.length ? relus : layer ? [layer] : [];
      const activationFix = targets.length
        ? layerConfigFix(
            sketch,
            targets,
            { activation: 'elu', kernelInitializer: 'heNormal' },
            `Use elu with heNormal in ${targets.length > 1 ? `the ${targets.length} ReLU layers` : label(targets[0])}`,
          )
        : undefined;
      // A learning rate above the usual range (UMLAUT: 0.01) is the likeliest killer: lower it first.
      const lr = knownLearningRate(compile);
      if (finding.evidence.lrHigh === true || (lr !== undefined && lr > HIGH_LEARNING_RATE))
        fixes.push(learningRateFix(sketch, compile, 0.1), activationFix);
      else fixes.push(activationFix, learningRateFix(sketch, compile, 0.1));
      break;
    }
    case 'vanishing-gradient':
    case 'saturated-activation': {
      const model = sketch.models.find(m => layer && m.entries.some(e => e.layer === layer)) ?? sketch.models[0];
      const entries = model?.entries.map(e => e.layer).filter((l): l is LayerSketch => !!l) ?? [];
      const hidden = entries.slice(0, -1).filter(l => SATURATING.has(activation(l) ?? ''));
      // the initializer caused it: scale it to the fan-in first (Glorot), keeping the activation
      if (finding.evidence.cause === 'initializer' && hidden.length)
        fixes.push(
          layerConfigFix(
            sketch,
            hidden,
            { kernelInitializer: 'glorotUniform' },
            `Initialize the ${hidden.length} hidden ${activation(hidden[0])} layer${hidden.length > 1 ? 's' : ''} with glorotUniform`,
          ),
        );
      if (hidden.length)
        fixes.push(
          layerConfigFix(
            sketch,
            hidden,
            { activation: 'relu', kernelInitializer: 'heNormal' },
            `Use relu with heNormal in the ${hidden.length} hidden ${activation(hidden[0])} layer${hidden.length > 1 ? 's' : ''}`,
          ),
        );
      break;
    }
    case 'unchanged-weights':
      if (layer) {
        const act = activation(layer) ?? 'linear';
        const init = /relu|elu/.test(act) ? 'heNormal' : act === 'selu' ? 'leCunNormal' : 'glorotUniform';
        fixes.push(
          layerConfigFix(sketch, [layer], { kernelInitializer: init }, `Initialize ${label(layer)} with ${init}`),
        );
      }
      break;
    case 'label-loss-mismatch': {
      // an output activation the loss cannot read: offer the activation it expects on the model's last layer
      const want =
        finding.evidence.outputActivation !== undefined &&
        String(finding.advice?.[0] ?? '').match(/activation '(softmax|sigmoid)'/)?.[1];
      const model = compile && sketch.models.find(m => m.compile === compile);
      const last = model?.entries.at(-1)?.layer;
      if (want && last && activation(last) !== want)
        fixes.push(
          layerConfigFix(
            sketch,
            [last],
            { activation: want },
            `Use ${want} on the output layer ${label(last)} (the loss is ${finding.evidence.loss})`,
          ),
        );
      break;
    }
    case 'bad-initial-loss':
      if (layer && compile?.loss.state === 'known') {
        const loss = compile.loss.value.name;
        const want = /binary/i.test(loss) ? 'sigmoid' : /categorical/i.test(loss) ? 'softmax' : undefined;
        const act = activation(layer);
        if (want && act !== want)
          fixes.push(
            layerConfigFix(
              sketch,
              [layer],
              { activation: want },
              `Use ${want} on the output layer ${label(layer)} (the loss is ${loss})`,
            ),
          );
      }
      break;
  }
  return fixes.filter((f): f is Fix => !!f);
}

/**
 * Where a layer is built, from the source, when the runtime did not record its call site: by its explicit `name`,
 * else by tfjs's generated name (`dense_Dense3` = the third dense layer built) counted in source order.
 */
export function locateLayer(text: string, fileName: string, layerName: string): Finding['range'] {
  let sketch: FileSketch;
  try {
    sketch = jobSketches.get(fileName, text);
  } catch {
    return undefined;
  }
  const sf = sketch.sourceFile;
  const at = (l: LayerSketch) => ({
    start: {
      file: fileName,
      line: lineOf(sf, l.call),
      column: sf.getLineAndCharacterOfPosition(l.call.getStart(sf)).character + 1,
    },
  });
  const named = sketch.layers.find(l => l.name.state === 'known' && l.name.value === layerName);
  if (named) return at(named);
  const generated = /^([a-z][A-Za-z0-9]*)_[A-Za-z0-9]+?(\d+)$/.exec(layerName);
  if (!generated) return undefined;
  const [, factory, nth] = generated;
  const sameKind = sketch.layers.filter(
    l => l.factory.toLowerCase() === factory.toLowerCase() && l.name.state === 'absent',
  );
  // only when every layer of that kind is written out once (no loops or helpers building them)
  const counted = sketch.models.every(m => m.entries.every(e => e.count === 1));
  const layer = counted ? sameKind[Number(nth) - 1] : undefined;
  return layer ? at(layer) : undefined;
}

/** Adds fixes to runtime findings that have none, reading each finding's file once; locates layers the runtime could not. */
export function withRuntimeFixes(
  findings: Finding[],
  read: (file: string) => string | undefined,
  jobFile?: string,
): Finding[] {
  const texts = new Map<string, string | undefined>();
  const textOf = (file: string): string | undefined => {
    if (!texts.has(file)) texts.set(file, read(file));
    return texts.get(file);
  };
  return findings.map(original => {
    let f = original;
    // a layer finding the runtime could only place on fit( (evidence.placedAt) is moved to the layer's line
    if ((!f.range || f.evidence.placedAt !== undefined) && f.layer && jobFile) {
      const text = textOf(jobFile);
      const range = text === undefined ? undefined : locateLayer(text, jobFile, f.layer);
      if (range) {
        const { placedAt: _placed, ...evidence } = f.evidence;
        f = { ...f, file: jobFile, range, evidence };
      }
    }
    if (f.fixes?.length || !f.file) return f;
    const text = textOf(f.file);
    const fixes = text === undefined ? [] : runtimeFixes(f, text, f.file);
    return fixes.length ? { ...f, fixes } : f;
  });
}
