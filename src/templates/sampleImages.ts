/**
 * A small image-classification sample a template writes next to a new job: one sub-folder per class (circle,
 * square, triangle) of PNGs drawn with random position, size, rotation, brightness and noise, so a model must
 * learn the shape and not a pixel. Seeded: the same images every time.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { seededRandom } from '../toolkit/random';

export const SAMPLE_SHAPES = ['circle', 'square', 'triangle'] as const;
type Shape = (typeof SAMPLE_SHAPES)[number];

export interface ImageSampleOptions {
  perClass?: number;
  size?: number;
  seed?: number;
}

/** Whether the point (x, y) lies inside the shape centred at (cx, cy) with radius r, rotated by angle. */
function inside(shape: Shape, x: number, y: number, cx: number, cy: number, r: number, angle: number): boolean {
  const dx = x - cx;
  const dy = y - cy;
  const u = dx * Math.cos(angle) + dy * Math.sin(angle);
  const v = -dx * Math.sin(angle) + dy * Math.cos(angle);
  switch (shape) {
    case 'circle':
      return u * u + v * v <= r * r;
    case 'square':
      return Math.abs(u) <= r * 0.8 && Math.abs(v) <= r * 0.8;
    case 'triangle': {
      // equilateral, pointing up in its own frame: inside the three half-planes
      const h = r * 1.5;
      return v <= h / 3 && v >= (-2 * h) / 3 + Math.abs(u) * Math.sqrt(3);
    }
  }
}

function drawShape(shape: Shape, size: number, random: () => number): PNG {
  const png = new PNG({ width: size, height: size });
  const r = size * (0.18 + 0.14 * random());
  const cx = r + (size - 2 * r) * random();
  const cy = r + (size - 2 * r) * random();
  const angle = random() * 2 * Math.PI;
  const background = 20 + 60 * random();
  const foreground = 170 + 80 * random();
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const base = inside(shape, x + 0.5, y + 0.5, cx, cy, r, angle) ? foreground : background;
      const value = Math.max(0, Math.min(255, Math.round(base + 40 * (random() - 0.5))));
      const i = (y * size + x) * 4;
      png.data[i] = value;
      png.data[i + 1] = value;
      png.data[i + 2] = value;
      png.data[i + 3] = 255;
    }
  }
  return png;
}

/** Writes <dir>/<shape>/<shape>-NNN.png for each shape; returns the number of images written. */
export function writeImageSample(dir: string, options: ImageSampleOptions = {}): number {
  const { perClass = 40, size = 32, seed = 3 } = options;
  const random = seededRandom(seed);
  let written = 0;
  for (const shape of SAMPLE_SHAPES) {
    fs.mkdirSync(path.join(dir, shape), { recursive: true });
    for (let i = 0; i < perClass; i++) {
      const file = path.join(dir, shape, `${shape}-${String(i).padStart(3, '0')}.png`);
      fs.writeFileSync(file, PNG.sync.write(drawShape(shape, size, random)));
      written++;
    }
  }
  return written;
}
