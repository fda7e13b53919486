/**
 * Runs and sweep records are local artefacts: a `.gitignore` of `*` keeps them out of the user's git without touching
 * the user's own .gitignore. It goes only into a folder Training Lens created or owns by name
 * (`.training-lens/runs`, `.training-lens/sweeps`): `--runs-dir .` must not hide a whole project from git.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TOOL_DIR } from './layout';

/**
 * Creates `dir` if needed; writes `<dir>/.gitignore` (`# <what>` and `*`) when Training Lens created the folder just
 * now or it is one of its own folders under `.training-lens/`, and no .gitignore (or link of that name) is there.
 * Returns whether it wrote one.
 */
export function prepareArtefactDir(dir: string, what = 'Training Lens run logs'): boolean {
  const resolved = path.resolve(dir);
  const existed = fs.existsSync(resolved);
  fs.mkdirSync(resolved, { recursive: true });
  const ours = !existed || path.basename(path.dirname(resolved)) === TOOL_DIR;
  if (!ours) return false;
  const ignore = path.join(resolved, '.gitignore');
  try {
    fs.writeFileSync(ignore, `# ${what.replace(/\n/g, ' ')}\n*\n`, { flag: 'wx' }); // never over anything, links included
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}
