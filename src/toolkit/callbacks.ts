/**
 * Training callbacks of the `training-lens` toolkit: early stopping that restores the best weights (tfjs's own
 * `tf.callbacks.earlyStopping` cannot) and a best-model checkpoint written with node:fs (tfjs-node's file://
 * handler does not exist on the wasm/cpu backends). Both are real `tf.Callback` subclasses of the tf instance the
 * runner binds, so `fit` and `fitDataset` accept them.
 *
 * Guidelines G6 (early stopping: stop when validation stops improving, restore the best weights).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Tf, Tensor, LayersModel } from '../tf/types';
import { higherIsBetter } from '../runs/metrics';

export type MonitorMode = 'auto' | 'min' | 'max';
type Logs = Record<string, unknown> | undefined;

export interface EarlyStoppingOptions {
  /** Epoch-log key to watch; `val_…` falls back to the training key when the fit has no validation data. */
  monitor?: string;
  /** Epochs without improvement before training stops. */
  patience?: number;
  /** A change smaller than this does not count as an improvement. */
  minDelta?: number;
  /** `auto`: maximize accuracy-like keys (acc, auc, precision, recall), minimize everything else. */
  mode?: MonitorMode;
  /** Put the weights of the best epoch back when training ends (stopped early or not). */
  restoreBestWeights?: boolean;
  /** Print one line when stopping / restoring. */
  verbose?: boolean;
}

export interface CheckpointOptions {
  monitor?: string;
  mode?: MonitorMode;
  minDelta?: number;
  /** Where `best/` goes when not running under Training Lens (default ./checkpoints). */
  dir?: string;
  verbose?: boolean;
}

/** Contents of `checkpoint.json` next to the saved model. `epoch` is 0-based, as in tfjs's callbacks. */
export interface CheckpointInfo {
  epoch: number;
  monitor: string;
  value: number;
  savedAt: string;
}

const MODEL_JSON = 'model.json';
const WEIGHTS_BIN = 'weights.bin';
const INFO_JSON = 'checkpoint.json';

// ---------------------------------------------------------------------------------------------------------------
// Monitored values (shared with the performance schedule)

/**
 * tfjs hands `onEpochEnd` validation values as scalar tensors; turn them into numbers in place and dispose the
 * tensors, as tfjs's own callbacks do (whichever callback comes first resolves them for the rest).
 */
export async function resolveLogs(logs: Logs): Promise<void> {
  if (!logs) return;
  for (const key of Object.keys(logs)) {
    const v = logs[key];
    if (v && typeof v === 'object' && typeof (v as Tensor).data === 'function') {
      const data = await (v as Tensor).data();
      logs[key] = data[0];
      (v as Tensor).dispose();
    }
  }
}

export function resolveMode(mode: MonitorMode, monitor: string): 'min' | 'max' {
  if (mode === 'min' || mode === 'max') return mode;
  if (mode !== 'auto') throw new Error(`mode must be 'auto', 'min' or 'max' (got ${JSON.stringify(mode)})`);
  return higherIsBetter(monitor) ? 'max' : 'min';
}

export function isImprovement(mode: 'min' | 'max', current: number, best: number, minDelta: number): boolean {
  if (!Number.isFinite(current)) return false;
  return mode === 'min' ? current < best - minDelta : current > best + minDelta;
}

/**
 * Reads the monitored value from resolved epoch logs. A `val_…` key that is missing (no validation data) falls
 * back to the training key, with one warning; any other missing key is an error naming the keys that exist.
 */
export class MonitorReader {
  private warned = false;
  constructor(
    readonly monitor: string,
    private readonly who: string,
  ) {}

  read(logs: Logs): { key: string; value: number } {
    const v = logs?.[this.monitor];
    if (typeof v === 'number') return { key: this.monitor, value: v };
    const fallback = this.monitor.startsWith('val_') ? this.monitor.slice(4) : undefined;
    const fv = fallback ? logs?.[fallback] : undefined;
    if (fallback && typeof fv === 'number') {
      if (!this.warned) {
        this.warned = true;
        console.warn(
          `training-lens ${this.who}: no '${this.monitor}' (fit has no validation data); monitoring '${fallback}' instead.`,
        );
      }
      return { key: fallback, value: fv };
    }
    const have = Object.keys(logs ?? {}).join(', ') || 'none';
    throw new Error(
      `training-lens ${this.who}: monitor '${this.monitor}' is not in the epoch logs (they have: ${have}). Pass monitor: one of those.`,
    );
  }
}

function checkNumber(who: string, name: string, v: unknown, { min = -Infinity, integer = false } = {}): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || (integer && !Number.isInteger(v))) {
    throw new Error(
      `training-lens ${who}: ${name} must be a${integer ? 'n integer' : ' number'}${min > -Infinity ? ` >= ${min}` : ''} (got ${JSON.stringify(v)})`,
    );
  }
  return v;
}

// ---------------------------------------------------------------------------------------------------------------
// File-system save / load handlers (the model.json + weights.bin layout of tfjs-node's file:// handler)

/** Saves a model as `<dir>/model.json` + `<dir>/weights.bin`; each file is replaced atomically (write, rename). */
export function fileSaveHandler(tf: Tf, dir: string) {
  return tf.io.withSaveHandler(async artifacts => {
    if (artifacts.modelTopology instanceof ArrayBuffer)
      throw new Error('training-lens checkpoint: binary model topologies are not supported');
    fs.mkdirSync(dir, { recursive: true });
    const weights =
      artifacts.weightData == null ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
    const modelJson = {
      modelTopology: artifacts.modelTopology,
      format: artifacts.format,
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy,
      ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
      ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
      weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }],
    };
    writeAtomic(path.join(dir, WEIGHTS_BIN), Buffer.from(weights));
    writeAtomic(path.join(dir, MODEL_JSON), JSON.stringify(modelJson));
    return {
      modelArtifactsInfo: {
        dateSaved: new Date(),
        modelTopologyType: 'JSON',
        modelTopologyBytes: JSON.stringify(artifacts.modelTopology).length,
        weightSpecsBytes: JSON.stringify(artifacts.weightSpecs ?? []).length,
        weightDataBytes: weights.byteLength,
      },
    };
  });
}

/** Loads what `fileSaveHandler` (or tfjs-node's file:// handler) wrote; `where` is the directory or its model.json. */
export function fileLoadHandler(tf: Tf, where: string) {
  const modelPath = where.endsWith('.json') ? where : path.join(where, MODEL_JSON);
  return {
    load: async () => {
      if (!fs.existsSync(modelPath))
        throw new Error(
          `training-lens loadCheckpoint: no checkpoint at ${path.dirname(modelPath)} (${path.basename(modelPath)} not found)`,
        );
      let modelJson: import('@tensorflow/tfjs').io.ModelJSON;
      try {
        modelJson = JSON.parse(fs.readFileSync(modelPath, 'utf8'));
      } catch (e) {
        throw new Error(`training-lens loadCheckpoint: ${modelPath} is not valid JSON: ${(e as Error).message}`, {
          cause: e,
        });
      }
      return tf.io.getModelArtifactsForJSON(modelJson, async manifest => {
        const buffers = manifest.flatMap(group =>
          group.paths.map(p => {
            const file = path.resolve(path.dirname(modelPath), p);
            if (!fs.existsSync(file))
              throw new Error(`training-lens loadCheckpoint: weights file ${file} (named in ${modelPath}) not found`);
            const b = fs.readFileSync(file);
            return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
          }),
        );
        return [tf.io.getWeightSpecs(manifest), tf.io.concatenateArrayBuffers(buffers)];
      });
    },
  };
}

function writeAtomic(file: string, data: string | Buffer): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

/** `<runDir>/checkpoints/best` under Training Lens, else `<dir or ./checkpoints>/best`. */
export function checkpointDir(env: { runDir?: string }, dir?: string): string {
  const base = env.runDir ? path.join(env.runDir, 'checkpoints') : path.resolve(dir ?? 'checkpoints');
  return path.join(base, 'best');
}

// ---------------------------------------------------------------------------------------------------------------

export function createCallbacks(tf: Tf, env: { runDir?: string }) {
  class EarlyStopping extends tf.Callback {
    readonly monitor: string;
    readonly patience: number;
    readonly minDelta: number;
    readonly restoreBestWeights: boolean;
    private readonly mode: 'min' | 'max';
    private readonly reader: MonitorReader;
    private readonly verbose: boolean;
    private wait = 0;
    private best = NaN;
    private bestWeights: Tensor[] | null = null;
    /** 0-based epoch of the best monitored value in the last fit (-1 before any epoch ended). */
    bestEpoch = -1;
    /** 0-based epoch at which training was stopped, or -1 when it ran to the end. */
    stoppedEpoch = -1;

    constructor(o: EarlyStoppingOptions = {}) {
      super();
      this.monitor = o.monitor ?? 'val_loss';
      this.patience = checkNumber('earlyStopping', 'patience', o.patience ?? 10, { min: 0, integer: true });
      this.minDelta = Math.abs(checkNumber('earlyStopping', 'minDelta', o.minDelta ?? 0));
      this.mode = resolveMode(o.mode ?? 'auto', this.monitor);
      this.restoreBestWeights = o.restoreBestWeights ?? true;
      this.verbose = o.verbose ?? true;
      this.reader = new MonitorReader(this.monitor, 'earlyStopping');
    }

    override async onTrainBegin(): Promise<void> {
      this.wait = 0;
      this.best = this.mode === 'min' ? Infinity : -Infinity;
      this.bestEpoch = -1;
      this.stoppedEpoch = -1;
      this.releaseBest();
    }

    override async onEpochEnd(epoch: number, logs?: Logs): Promise<void> {
      await resolveLogs(logs);
      const { value } = this.reader.read(logs);
      if (isImprovement(this.mode, value, this.best, this.minDelta)) {
        this.best = value;
        this.bestEpoch = epoch;
        this.wait = 0;
        if (this.restoreBestWeights) {
          this.releaseBest();
          // getWeights returns the live variables; clones keep this epoch's values after later updates.
          this.bestWeights = this.model.getWeights().map(w => w.clone());
        }
        return;
      }
      this.wait++;
      if (this.wait >= this.patience) {
        this.stoppedEpoch = epoch;
        this.model.stopTraining = true;
      }
    }

    override async onTrainEnd(): Promise<void> {
      if (this.verbose && this.stoppedEpoch >= 0) {
        console.log(
          `training-lens earlyStopping: stopped after epoch ${this.stoppedEpoch + 1}; best ${this.monitor} ${this.best} at epoch ${this.bestEpoch + 1}`,
        );
      }
      if (this.bestWeights) {
        (this.model as LayersModel).setWeights(this.bestWeights);
        if (this.verbose && this.stoppedEpoch >= 0)
          console.log(`training-lens earlyStopping: restored the weights of epoch ${this.bestEpoch + 1}`);
      }
      this.releaseBest();
    }

    private releaseBest(): void {
      if (this.bestWeights) tf.dispose(this.bestWeights);
      this.bestWeights = null;
    }
  }

  class Checkpoint extends tf.Callback {
    readonly monitor: string;
    /** Directory that holds model.json, weights.bin and checkpoint.json. */
    readonly path: string;
    private readonly mode: 'min' | 'max';
    private readonly minDelta: number;
    private readonly reader: MonitorReader;
    private readonly verbose: boolean;
    private best = NaN;
    /** What was saved last (null until the first save). */
    saved: CheckpointInfo | null = null;

    constructor(o: CheckpointOptions = {}) {
      super();
      this.monitor = o.monitor ?? 'val_loss';
      this.mode = resolveMode(o.mode ?? 'auto', this.monitor);
      this.minDelta = Math.abs(checkNumber('checkpoint', 'minDelta', o.minDelta ?? 0));
      this.path = checkpointDir(env, o.dir);
      this.verbose = o.verbose ?? false;
      this.reader = new MonitorReader(this.monitor, 'checkpoint');
      // "Best so far" spans every fit this callback is given to, like the file it overwrites.
      this.best = this.mode === 'min' ? Infinity : -Infinity;
    }

    override async onEpochEnd(epoch: number, logs?: Logs): Promise<void> {
      await resolveLogs(logs);
      const { key, value } = this.reader.read(logs);
      if (!isImprovement(this.mode, value, this.best, this.minDelta)) return;
      this.best = value;
      await (this.model as LayersModel).save(fileSaveHandler(tf, this.path));
      const info: CheckpointInfo = { epoch, monitor: key, value, savedAt: new Date().toISOString() };
      writeAtomic(path.join(this.path, INFO_JSON), JSON.stringify(info, null, 2) + '\n');
      this.saved = info;
      if (this.verbose)
        console.log(`training-lens checkpoint: epoch ${epoch + 1} ${key} ${value} saved to ${this.path}`);
    }
  }

  return {
    /** Stops training when `monitor` has not improved for `patience` epochs and restores the best epoch's weights. */
    earlyStopping: (options?: EarlyStoppingOptions) => new EarlyStopping(options),
    /** Saves the best model so far (by `monitor`) to `<runDir>/checkpoints/best` (model.json + weights.bin + checkpoint.json). */
    checkpoint: (options?: CheckpointOptions) => new Checkpoint(options),
    /** Loads a checkpoint written by `checkpoint()`; default: this run's `checkpoints/best`. */
    loadCheckpoint: (dir?: string) => tf.loadLayersModel(fileLoadHandler(tf, dir ?? checkpointDir(env))),
  };
}

/** Reads `checkpoint.json` of a checkpoint directory. */
export function readCheckpointInfo(dir: string): CheckpointInfo {
  return JSON.parse(fs.readFileSync(path.join(dir, INFO_JSON), 'utf8')) as CheckpointInfo;
}
