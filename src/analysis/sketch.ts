/**
 * The model sketch's data: what the parse-only analysis knows about each layer, model and compile call of a file,
 * with the syntax node that states each value (for placing findings and building fixes).
 */
import type ts from 'typescript';
import type { ObjectInfo } from './objectProps';
import type { TfImports } from './tfjs';
import type { LayerKind, WeightFamily } from './catalog';

export type Known<T> =
  { state: 'known'; value: T; node: ts.Node } | { state: 'absent' } | { state: 'unknown'; node?: ts.Node };

export interface InitializerRef {
  /** canonical tfjs name, e.g. 'heNormal' */
  name: string;
  form: 'string' | 'factory';
  /** the factory's name (`heNormal` in `tf.initializers.heNormal({ seed })`), to rename it in place */
  nameNode?: ts.Node;
  /** varianceScaling's config, when known: it is He, LeCun or Glorot depending on scale and mode */
  scale?: number;
  mode?: string;
}

export interface LayerSketch {
  /** position among all layer calls of the file */
  id: number;
  factory: string;
  kind: LayerKind;
  family?: WeightFamily;
  call: ts.CallExpression;
  /** the factory's name identifier (`dense` in `tf.layers.dense`) */
  nameNode: ts.Node;
  /** the config argument when it resolves to an object literal */
  config?: ObjectInfo;
  name: Known<string>;
  /** own activation: config `activation` for weight/activation layers, implied for reLU/leakyReLU/...; absent = default */
  activation: Known<string>;
  /** tfjs's default activation when `activation` is absent */
  defaultActivation?: string;
  /** kernelInitializer; absent = tfjs default (glorotNormal); only for layers the G1 table applies to */
  initializer?: Known<InitializerRef>;
  units: Known<number>;
  rate: Known<number>;
  useBias: Known<boolean>;
}

/** One slot of a model: a layer (or unknown), present once, maybe (in a loop/branch), or n times (Array.from). */
export interface ModelEntry {
  layer?: LayerSketch;
  /** exactly this many copies (a loop with known bounds multiplies), or 'maybe' */
  count: 1 | 'maybe' | number;
  /** with 'maybe': copies certain when every loop of unknown length runs once (a lower bound); else 0 */
  atLeast?: number;
  /** what to insert next to: the array element or the `model.add(...)` statement */
  node: ts.Node;
  via: 'array' | 'add' | 'apply';
}

export interface ModelSketch {
  style: 'sequential' | 'functional';
  creation: ts.CallExpression;
  /** `sequential` / `model` name identifier */
  nameNode: ts.Node;
  /** the variable (declaration node) or property text the model is stored in */
  decl?: ts.Node;
  bindingText?: string;
  entries: ModelEntry[];
  /** false when layers may be missing: unknown spreads, the model handed to other code, unresolved graph inputs */
  complete: boolean;
  /** functional models: the graph is one chain (one input per layer, no merges, one output) */
  chain: boolean;
  /** the in-place `layers: [...]` array, when there is one */
  layersArray?: ts.ArrayLiteralExpression;
  compile?: CompileSketch;
}

export interface OptimizerRef {
  /** canonical: sgd, momentum, adagrad, adadelta, rmsprop, adam, adamax, or what the code says */
  name: string;
  form: 'string' | 'factory';
  /** the optimizer value (string literal or `tf.train.x(...)` call) */
  node: ts.Node;
  nameNode: ts.Node;
  lr: Known<number>;
  momentum?: Known<number>;
  nesterov?: Known<boolean>;
  /** the whole `optimizer` value is written in the compile call (so a fix may replace it) */
  inline: boolean;
}

export interface LossRef {
  name: string;
  form: 'string' | 'function';
  /** the string literal, or the function's name (`softmaxCrossEntropy` in `tf.losses.softmaxCrossEntropy`) */
  nameNode: ts.Node;
}

export interface CompileSketch {
  call: ts.CallExpression;
  receiver: ts.Expression;
  optimizer: Known<OptimizerRef>;
  loss: Known<LossRef>;
  /** metric names, when every entry is a string literal (or a const holding one) */
  metrics: Known<string[]>;
  model?: ModelSketch;
}

export interface HoverTarget {
  start: number;
  end: number;
  kind: 'activation' | 'initializer' | 'optimizer' | 'loss';
  name: string;
  /** for optimizers: the learning rate and momentum values known at this spot */
  optimizer?: OptimizerRef;
}

export interface FileSketch {
  sourceFile: ts.SourceFile;
  fileName: string;
  importsTfjs: boolean;
  imports: TfImports;
  layers: LayerSketch[];
  models: ModelSketch[];
  compiles: CompileSketch[];
  /** the quote character the file's imports use, for inserted string literals */
  quote: "'" | '"';
}

export const ABSENT = { state: 'absent' } as const;
