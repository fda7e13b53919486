/** The names hovers explain, found in the sketch on the first hover of a version. */
import ts from 'typescript';
import { layerInfo } from './catalog';
import type { FileSketch, HoverTarget, OptimizerRef } from './sketch';

const { isStringLiteralLike } = ts;

const hoverTargetCache = new WeakMap<FileSketch, HoverTarget[]>();

/**
 * The names hovers explain (activations, initializers, optimizers, losses), sorted by position. Derived from the
 * sketch on the first hover rather than on every keystroke.
 */
export function hoverTargetsOf(sketch: FileSketch): HoverTarget[] {
  const cached = hoverTargetCache.get(sketch);
  if (cached) return cached;
  const sf = sketch.sourceFile;
  const targets: HoverTarget[] = [];
  const add = (node: ts.Node, kind: HoverTarget['kind'], name: string, optimizer?: OptimizerRef) =>
    targets.push({ start: node.getStart(sf), end: node.getEnd(), kind, name, optimizer });
  for (const l of sketch.layers) {
    if (l.activation.state === 'known') {
      const implied = layerInfo(l.factory).impliedActivation !== undefined;
      const node = implied ? l.nameNode : l.activation.node;
      if (implied || isStringLiteralLike(node)) add(node, 'activation', l.activation.value);
    }
    if (l.initializer?.state === 'known') {
      const r = l.initializer.value;
      const node = r.form === 'factory' ? r.nameNode! : l.initializer.node;
      if (r.form === 'factory' || isStringLiteralLike(node)) add(node, 'initializer', r.name);
    }
  }
  for (const c of sketch.compiles) {
    if (c.optimizer.state === 'known') {
      const o = c.optimizer.value;
      if (o.form === 'factory' || isStringLiteralLike(o.nameNode)) add(o.nameNode, 'optimizer', o.name, o);
    }
    if (c.loss.state === 'known') {
      const l = c.loss.value;
      if (l.form === 'function' || isStringLiteralLike(l.nameNode)) add(l.nameNode, 'loss', l.name);
    }
  }
  targets.sort((a, b) => a.start - b.start);
  hoverTargetCache.set(sketch, targets);
  return targets;
}
