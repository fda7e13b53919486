/**
 * One parse per version of a job file. A run reports many findings about the same job, and each needs its sketch
 * (to place a layer, to write a fix): parsing the file once per finding cost a full parse each. The cache is keyed
 * by path and holds the text the sketch was made from, so an edited file (saved or not) is parsed again and an
 * unchanged one never is.
 */
import { parseSource } from './parse';
import { sketchFile } from './model';
import type { FileSketch } from './sketch';

export class SketchCache {
  private readonly entries = new Map<string, { text: string; sketch: FileSketch }>();
  /** how many parses the cache has done (a benchmark and test figure) */
  parses = 0;

  /** @param capacity files kept (the least recently used one goes first) */
  constructor(private readonly capacity = 8) {}

  /** The sketch of `text` as `fileName`, parsed only when this file's text differs from the last one seen. */
  get(fileName: string, text: string): FileSketch {
    const hit = this.entries.get(fileName);
    if (hit && hit.text === text) {
      // refresh its place in the least-recently-used order
      this.entries.delete(fileName);
      this.entries.set(fileName, hit);
      return hit.sketch;
    }
    const sketch = sketchFile(parseSource(text, fileName));
    this.parses++;
    this.entries.delete(fileName);
    this.entries.set(fileName, { text, sketch });
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return sketch;
  }

  clear(): void {
    this.entries.clear();
  }
}

/** The one cache of job sketches the runtime fixes use (the CLI's report and the editor's Problems entries). */
export const jobSketches = new SketchCache();
