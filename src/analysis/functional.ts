/**
 * A functional model (`tf.model({inputs, outputs})`) as the graph of `layer.apply(x)` calls reached back from its
 * outputs: its layers in evaluation order, whether every path is known, and whether it is a plain chain (one
 * input per layer, no branch or merge) that depth and order rules may read like a sequential model.
 */
import type ts from 'typescript';
import type { Resolver } from './values';
import { multiplicity } from './loops';
import type { LayerSketch, ModelEntry } from './sketch';

/** What produced a symbolic tensor. */
export type Producer =
  | { kind: 'input' }
  | { kind: 'unknown' }
  /** seq: creation order in the post-order walk = evaluation order (an apply's inputs always come first) */
  | { kind: 'apply'; seq: number; call: ts.CallExpression; layer?: LayerSketch; inputs: Producer[] | undefined };

export const UNKNOWN_PRODUCER: Producer = { kind: 'unknown' };

/** Walks the graph back from the outputs; `home` is the scope of the model's creation (loops there multiply). */
export function functionalGraph(
  outs: Producer[],
  home: ts.Node | undefined,
  resolver: Resolver,
): { entries: ModelEntry[]; complete: boolean; chain: boolean } {
  const seen = new Set<Producer>();
  const consumers = new Map<Producer, number>();
  let complete = outs.every(p => p.kind !== 'unknown');
  let chain = outs.length === 1;
  const stack = [...outs];
  while (stack.length) {
    const p = stack.pop()!;
    if (seen.has(p) || p.kind !== 'apply') continue;
    seen.add(p);
    if (!p.inputs) {
      complete = false;
      chain = false;
      continue;
    }
    if (p.inputs.length !== 1) chain = false;
    for (const q of p.inputs) {
      consumers.set(q, (consumers.get(q) ?? 0) + 1);
      stack.push(q);
    }
  }
  for (const n of consumers.values()) if (n > 1) chain = false;
  const applies = [...seen]
    .filter((p): p is Extract<Producer, { kind: 'apply' }> => p.kind === 'apply')
    .sort((a, b) => a.seq - b.seq);
  const entries = applies.map((p): ModelEntry => {
    // an apply in a loop of the model's own function is that many layers deep (outside it: once, as before)
    const m = multiplicity(p.call, home, resolver);
    return m.count === 'maybe' && m.atLeast === 0
      ? { layer: p.layer, count: 1, node: p.call, via: 'apply' }
      : { layer: p.layer, count: m.count, atLeast: m.atLeast, node: p.call, via: 'apply' };
  });
  if (applies.some(a => a.layer?.kind === 'merge')) chain = false;
  return { entries, complete, chain };
}
