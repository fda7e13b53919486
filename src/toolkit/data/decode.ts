/**
 * PNG and JPEG files to RGBA pixels with pure-JS decoders (pngjs, jpeg-js): no tfjs-node and no native build.
 * The format is told by the file's signature, not its name; anything else is refused with the reason.
 */
import { PNG } from 'pngjs';
import * as jpeg from 'jpeg-js';

export interface Rgba {
  width: number;
  height: number;
  /** 4 bytes per pixel, row by row */
  data: Uint8Array;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_SIGNATURE = [0xff, 0xd8, 0xff];
/** jpeg-js refuses to allocate more than this for one image (its default, 512 MB, would let one file stall a run). */
const MAX_JPEG_MEGABYTES = 256;

const startsWith = (buf: Uint8Array, sig: number[]) => buf.length >= sig.length && sig.every((b, i) => buf[i] === b);

export function imageFormat(buf: Uint8Array): 'png' | 'jpeg' | undefined {
  if (startsWith(buf, PNG_SIGNATURE)) return 'png';
  if (startsWith(buf, JPEG_SIGNATURE)) return 'jpeg';
  return undefined;
}

/** Decodes a PNG (any bit depth and colour type; 16-bit is scaled to 8) or a baseline/progressive JPEG. */
export function decodeImage(buf: Buffer): Rgba {
  const format = imageFormat(buf);
  if (format === undefined) throw new Error(buf.length === 0 ? 'empty file' : 'not a PNG or JPEG file');
  try {
    if (format === 'png') {
      const png = PNG.sync.read(buf);
      return { width: png.width, height: png.height, data: png.data };
    }
    const img = jpeg.decode(buf, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: MAX_JPEG_MEGABYTES });
    return { width: img.width, height: img.height, data: img.data };
  } catch (e) {
    throw new Error(`corrupt ${format === 'png' ? 'PNG' : 'JPEG'}: ${(e as Error).message || String(e)}`, { cause: e });
  }
}
