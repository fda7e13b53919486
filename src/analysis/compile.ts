/**
 * What a `compile({...})` call states: the optimizer (by name or `tf.train.*` factory, with its learning rate,
 * momentum and Nesterov flag), the loss (by name or `tf.losses.*` function) and the metric names.
 */
import ts from 'typescript';
import { unwrap, type Resolver } from './values';
import { tfRef, type TfImports } from './tfjs';
import { canonicalLoss, canonicalOptimizer } from './catalog';
import { ABSENT, type CompileSketch, type Known, type LossRef, type OptimizerRef } from './sketch';

const { isCallExpression, isSpreadElement, isStringLiteralLike } = ts;

/** The sketch of a `compile({...})` call; undefined when it states neither an optimizer nor a loss. */
export function readCompile(
  resolver: Resolver,
  imports: TfImports,
  call: ts.CallExpression,
  receiver: ts.Expression,
): CompileSketch | undefined {
  const cfg = resolver.object(call.arguments[0]);
  if (!cfg || (!cfg.props.has('optimizer') && !cfg.props.has('loss'))) return undefined;
  // a key not written is absent (tfjs' default) unless an unknown spread may set it
  const stated = <T>(key: string, read: (value: ts.Expression, inline: boolean) => Known<T>): Known<T> => {
    const p = cfg.props.get(key);
    if (p === undefined) return cfg.openEnded ? { state: 'unknown', node: call } : ABSENT;
    if (p === 'unknown') return { state: 'unknown', node: call };
    return read(p.value, p.inline);
  };
  return {
    call,
    receiver,
    optimizer: stated('optimizer', (v, inline) => readOptimizer(resolver, imports, v, inline)),
    loss: stated('loss', v => readLoss(resolver, imports, v)),
    metrics: stated('metrics', v => readMetrics(resolver, v)),
  };
}

export function readOptimizer(
  resolver: Resolver,
  imports: TfImports,
  value: ts.Expression,
  inline: boolean,
): Known<OptimizerRef> {
  const v = resolver.evaluate(value);
  const original = unwrap(value);
  if (v.known && typeof v.value === 'string') {
    const name = canonicalOptimizer(v.value);
    const ref: OptimizerRef = {
      name,
      form: 'string',
      node: original,
      nameNode: original,
      lr: ABSENT,
      inline: inline && isStringLiteralLike(original),
    };
    return { state: 'known', value: ref, node: original };
  }
  const e = resolver.resolve(value);
  if (!isCallExpression(e)) return { state: 'unknown', node: original };
  const ref = tfRef(e.expression, imports, resolver);
  if (ref?.kind !== 'function' || ref.ns !== 'train') return { state: 'unknown', node: original };
  const arg = (i: number): Known<number> => {
    const a = e.arguments[i];
    if (!a) return ABSENT;
    const n = resolver.evaluate(a);
    if (n.known && typeof n.value === 'number') return { state: 'known', value: n.value, node: a };
    if (n.known && n.value === undefined) return ABSENT;
    return { state: 'unknown', node: a };
  };
  const name = canonicalOptimizer(ref.name);
  const out: OptimizerRef = {
    name,
    form: 'factory',
    node: e,
    nameNode: ref.nameNode,
    lr: arg(0),
    inline: inline && e === original,
  };
  if (e.arguments.some(a => isSpreadElement(a))) out.lr = { state: 'unknown', node: e };
  if (name === 'momentum') {
    out.momentum = arg(1);
    const nest = e.arguments[2];
    if (!nest) out.nesterov = ABSENT;
    else {
      const b = resolver.evaluate(nest);
      out.nesterov =
        b.known && typeof b.value === 'boolean'
          ? { state: 'known', value: b.value, node: nest }
          : { state: 'unknown', node: nest };
    }
  }
  return { state: 'known', value: out, node: original };
}

export function readLoss(resolver: Resolver, imports: TfImports, value: ts.Expression): Known<LossRef> {
  const v = resolver.evaluate(value);
  const original = unwrap(value);
  if (v.known && typeof v.value === 'string') {
    const name = canonicalLoss(v.value);
    return { state: 'known', value: { name, form: 'string', nameNode: original }, node: original };
  }
  const e = resolver.resolve(value);
  const ref = tfRef(e, imports, resolver);
  if (ref?.kind === 'function' && (ref.ns === 'losses' || ref.ns === 'metrics')) {
    const name = canonicalLoss(ref.name);
    return { state: 'known', value: { name, form: 'function', nameNode: ref.nameNode }, node: original };
  }
  return { state: 'unknown', node: original };
}

export function readMetrics(resolver: Resolver, value: ts.Expression): Known<string[]> {
  const arr = resolver.array(value);
  const one = resolver.evaluate(value);
  if (one.known && typeof one.value === 'string') return { state: 'known', value: [one.value], node: value };
  if (!arr || arr.openEnded) return { state: 'unknown', node: value };
  const names: string[] = [];
  for (const el of arr.elements) {
    const v = resolver.evaluate(el.expr);
    if (!v.known || typeof v.value !== 'string' || el.repeat !== undefined) return { state: 'unknown', node: value };
    names.push(v.value);
  }
  return { state: 'known', value: names, node: value };
}
