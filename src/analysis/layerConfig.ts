/**
 * What a `tf.layers.*({...})` call states: kind, activation, initializer, units, rate, bias. Each value is known
 * (with the node that states it), absent (tfjs applies its default) or unknown (the config is not readable).
 */
import ts from 'typescript';
import type { ObjectInfo } from './objectProps';
import type { Resolver } from './values';
import { tfRef, type TfImports } from './tfjs';
import { layerInfo, canonicalActivation, canonicalInitializer } from './catalog';
import { ABSENT, type Known, type InitializerRef, type LayerSketch } from './sketch';

const { isCallExpression } = ts;

/** The sketch of one layer factory call (its id is set once every layer of the file is known). */
export function readLayer(
  resolver: Resolver,
  imports: TfImports,
  call: ts.CallExpression,
  factory: string,
  nameNode: ts.Node,
): LayerSketch {
  const info = layerInfo(factory);
  const arg = call.arguments[0];
  const config = arg ? resolver.object(arg) : undefined;
  const value = <T extends string | number | boolean>(key: string, type: 'string' | 'number' | 'boolean') =>
    configValue<T>(resolver, arg, config, key, type);
  let activation: Known<string>;
  if (info.impliedActivation) activation = { state: 'known', value: info.impliedActivation, node: nameNode };
  else if (info.kind === 'weight' || info.kind === 'activation' || info.kind === 'other') {
    activation = value<string>('activation', 'string');
    if (activation.state === 'known') activation.value = canonicalActivation(activation.value);
  } else activation = ABSENT;
  if (info.kind === 'activation' && activation.state === 'absent' && factory === 'activation')
    activation = { state: 'unknown', node: call };

  return {
    id: 0,
    factory,
    kind: info.kind,
    family: info.family,
    call,
    nameNode,
    config,
    name: value<string>('name', 'string'),
    activation,
    defaultActivation: info.defaultActivation,
    initializer: info.initializerKey
      ? readInitializer(resolver, imports, configExpression(arg, config, info.initializerKey))
      : undefined,
    units: info.kind === 'weight' ? value<number>('units', 'number') : ABSENT,
    rate: info.kind === 'dropout' ? value<number>('rate', 'number') : ABSENT,
    useBias: info.kind === 'weight' ? value<boolean>('useBias', 'boolean') : ABSENT,
  };
}

/** A config key's expression: known, absent (tfjs default), or unknown (config not readable, or an unknown spread). */
function configExpression(
  arg: ts.Expression | undefined,
  config: ObjectInfo | undefined,
  key: string,
): Known<ts.Expression> {
  if (!arg) return ABSENT;
  if (!config) return { state: 'unknown', node: arg };
  const p = config.props.valueOf(key);
  if (p === undefined) return config.openEnded ? { state: 'unknown', node: arg } : ABSENT;
  if (p === 'unknown') return { state: 'unknown', node: arg };
  return { state: 'known', value: p, node: p };
}

/** A config key's value when it is a literal of the wanted type (directly or through consts). */
function configValue<T extends string | number | boolean>(
  resolver: Resolver,
  arg: ts.Expression | undefined,
  config: ObjectInfo | undefined,
  key: string,
  type: 'string' | 'number' | 'boolean',
): Known<T> {
  const p = configExpression(arg, config, key);
  if (p.state !== 'known') return p;
  const v = resolver.value(p.value);
  if (typeof v === type) return { state: 'known', value: v as T, node: p.node };
  if (v === undefined || (type === 'string' && v === null)) return ABSENT;
  return { state: 'unknown', node: p.node };
}

/** An initializer by name or `tf.initializers.*` factory (varianceScaling with its scale and mode). */
function readInitializer(resolver: Resolver, imports: TfImports, p: Known<ts.Expression>): Known<InitializerRef> {
  if (p.state !== 'known') return p;
  const v = resolver.evaluate(p.value);
  if (v.known && typeof v.value === 'string')
    return { state: 'known', value: { name: canonicalInitializer(v.value), form: 'string' }, node: p.node };
  if (v.known && v.value === undefined) return ABSENT;
  const e = resolver.resolve(p.value);
  if (isCallExpression(e)) {
    const ref = tfRef(e.expression, imports, resolver);
    if (ref?.kind === 'function' && ref.ns === 'initializers') {
      const value: InitializerRef = { name: canonicalInitializer(ref.name), form: 'factory', nameNode: ref.nameNode };
      if (value.name === 'varianceScaling' && e.arguments[0]) {
        const cfg = resolver.object(e.arguments[0]);
        const scale = cfg?.props.get('scale'),
          mode = cfg?.props.get('mode');
        if (cfg && !cfg.openEnded) {
          value.scale = scale === undefined ? 1 : scale === 'unknown' ? undefined : resolver.number(scale.value);
          const m =
            mode === undefined
              ? { known: true as const, value: 'fanIn' }
              : mode === 'unknown'
                ? { known: false as const }
                : resolver.evaluate(mode.value);
          value.mode = m.known && typeof m.value === 'string' ? m.value : undefined;
        }
      } else if (value.name === 'varianceScaling') {
        value.scale = 1;
        value.mode = 'fanIn';
      }
      return { state: 'known', value, node: p.node };
    }
  }
  return { state: 'unknown', node: p.node };
}
