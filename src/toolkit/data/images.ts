/**
 * `loadImageFolder(path, { size })`: a folder with one sub-folder of images per class (Keras'
 * `image_dataset_from_directory` layout) as an image tensor in [0, 1] and class indices. Class names are the
 * sub-folders' names, sorted; a file that cannot be read or decoded is skipped, counted and warned about.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import type { Tf } from '../../tf/types';
import { dataLog, requirePath, resolveDataPath, type DataEnv } from './paths';
import { decodeImage } from './decode';
import type { Skip } from './skips';

export interface LoadImageFolderOptions {
  /** every image is resized (bilinear) to [height, width] */
  size: [height: number, width: number];
  /** one channel (luma, ITU-R BT.601 weights) instead of RGB */
  grayscale?: boolean;
  /** called after each file with the files done and the total */
  onProgress?: (done: number, total: number) => void;
  /** a progress line goes to the run's log every this many files (default 1000) */
  progressEvery?: number;
}

export interface ImageFolderData {
  /** [images, height, width, 3 or 1], values in [0, 1] */
  x: tfTypes.Tensor4D;
  /** [images]: class index into `classes` (float32) */
  y: tfTypes.Tensor1D;
  /** the class sub-folders' names, sorted */
  classes: string[];
  /** files that could not be used, each with the reason */
  skipped: Skip[];
}

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);
/** individual warnings before the rest are only counted */
const MAX_WARNINGS = 20;

const visible = (e: fs.Dirent) => !e.name.startsWith('.');
const byName = (a: fs.Dirent, b: fs.Dirent) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Every file under `dir` (sub-folders included), in name order; hidden files and folders are not data. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = (await fs.promises.readdir(dir, { withFileTypes: true })).filter(visible).sort(byName);
  const out: string[] = [];
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else out.push(p);
  }
  return out;
}

function checkSize(fn: string, size: unknown): [number, number] {
  const ok = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v > 0;
  if (!Array.isArray(size) || size.length !== 2 || !size.every(ok))
    throw new Error(`${fn}: size must be [height, width] in whole pixels, e.g. { size: [28, 28] }`);
  return size as [number, number];
}

export function createLoadImageFolder(tf: Tf, env: DataEnv) {
  const log = dataLog(env);
  /** Images in class sub-folders (PNG or JPEG) as `x` in [0, 1] and class indices `y`; the folder is relative to the job. */
  return async function loadImageFolder(folder: string, options: LoadImageFolderOptions): Promise<ImageFolderData> {
    const fn = 'loadImageFolder';
    const [height, width] = checkSize(fn, options?.size);
    const channels = options.grayscale ? 1 : 3;
    const every = options.progressEvery ?? 1000;
    const root = resolveDataPath(env, folder);
    await requirePath(fn, root, 'folder');

    const skipped: Skip[] = [];
    const skip = (file: string, reason: string) => {
      skipped.push({ file, reason });
      if (skipped.length <= MAX_WARNINGS) log('warn', `${fn}: skipped ${file}: ${reason}`);
    };
    const entries = (await fs.promises.readdir(root, { withFileTypes: true })).filter(visible).sort(byName);
    const classes = entries.filter(e => e.isDirectory()).map(e => e.name);
    if (classes.length === 0)
      throw new Error(
        `${fn}: ${root} has no class sub-folders: put each class's images in a folder named after it (${path.join(folder, 'cat', '001.png')})`,
      );
    for (const e of entries.filter(e => !e.isDirectory())) skip(path.join(root, e.name), 'not inside a class folder');
    const files: { file: string; label: number }[] = [];
    for (const [label, name] of classes.entries()) {
      for (const file of await filesUnder(path.join(root, name))) {
        const ext = path.extname(file).toLowerCase();
        if (IMAGE_EXTENSIONS.has(ext)) files.push({ file, label });
        else skip(file, `not a PNG or JPEG file (${ext || 'no extension'})`);
      }
    }
    if (files.length === 0)
      throw new Error(`${fn}: ${root} has no PNG or JPEG images in its class folders (${classes.join(', ')})`);

    const pixels = height * width * channels;
    const out = new Float32Array(files.length * pixels);
    const labels: number[] = [];
    for (const [i, { file, label }] of files.entries()) {
      try {
        const img = decodeImage(await fs.promises.readFile(file));
        tf.tidy(() => {
          const rgba = tf.tensor3d(img.data, [img.height, img.width, 4], 'int32');
          let t: tfTypes.Tensor3D = rgba.slice([0, 0, 0], [-1, -1, 3]).toFloat().div(255);
          // luma by ITU-R BT.601 (what PIL's convert('L') uses); alpha is dropped
          if (channels === 1) t = t.mul(tf.tensor1d([0.299, 0.587, 0.114])).sum(-1, true);
          if (img.height !== height || img.width !== width) t = tf.image.resizeBilinear(t, [height, width]);
          out.set(t.dataSync(), labels.length * pixels);
        });
        labels.push(label);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        skip(file, code ? `unreadable (${code})` : (e as Error).message);
      }
      options.onProgress?.(i + 1, files.length);
      if (every > 0 && (i + 1) % every === 0 && i + 1 < files.length)
        log('info', `${fn} ${folder}: ${i + 1}/${files.length} images`);
    }

    const counts = classes.map((_, c) => labels.filter(l => l === c).length);
    const empty = classes.filter((_, c) => counts[c] === 0);
    if (empty.length)
      throw new Error(
        `${fn}: ${root}: no usable image in class folder${empty.length > 1 ? 's' : ''} ${empty.map(c => `'${c}'`).join(', ')} (${skipped.length} skipped)`,
      );
    if (skipped.length > MAX_WARNINGS)
      log('warn', `${fn}: ${skipped.length - MAX_WARNINGS} more files skipped (see skipped)`);
    const x = tf.tensor4d(out.subarray(0, labels.length * pixels), [labels.length, height, width, channels]);
    const y = tf.tensor1d(labels, 'float32');
    log(
      'info',
      `${fn} ${folder}: ${labels.length} images, ${classes.length} classes (${classes.join(', ')}), ${height}×${width}×${channels}, ${skipped.length} skipped`,
    );
    return { x, y, classes, skipped };
  };
}
