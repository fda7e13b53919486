/**
 * Installs the types-only copy of the runner's tfjs (built by scripts/tfjs-types.mjs into dist/tfjs-types) into
 * <workspace>/node_modules, where TypeScript resolves `import * as tf from '@tensorflow/tfjs'` with or without a
 * tsconfig, so a job type-checks in a workspace that never ran `npm install`. A package the user installed (its
 * package.json has a "main", or lacks our marker) is never replaced. A stamp file records the extension version
 * that wrote the copy, so an updated extension refreshes it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const TFJS_TYPES_MARKER = 'Types only, written by Training Lens';
export const TFJS_TYPES_STAMP = path.join('node_modules', '.training-lens-types.json');

export interface TfjsTypesResult {
  /** packages written (name@version) */
  written: string[];
  /** packages left alone because the user installed the real one */
  kept: string[];
}

export type TfjsTypesState = 'installed' | 'types-current' | 'types-stale' | 'missing';

/** The packages in a built types folder: <dir>/@scope/name (scoped) or <dir>/name. */
function packagesIn(typesDir: string): string[] {
  if (!fs.existsSync(path.join(typesDir, '@tensorflow', 'tfjs', 'package.json')))
    throw new Error(`The tfjs types were not built (${typesDir} has no @tensorflow/tfjs): run npm run build`);
  return fs
    .readdirSync(typesDir)
    .flatMap(entry =>
      entry.startsWith('@') ? fs.readdirSync(path.join(typesDir, entry)).map(n => `${entry}/${n}`) : [entry],
    );
}

function readManifest(dir: string): { main?: unknown; description?: unknown; version?: unknown } | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

/** Ours: a package.json that carries the marker and no "main". */
function isOurCopy(dir: string): boolean {
  const manifest = readManifest(dir);
  return !!manifest && manifest.main === undefined && String(manifest.description ?? '').includes(TFJS_TYPES_MARKER);
}

/**
 * What the workspace has: the real tfjs ('installed'), our copy written by this version ('types-current') or an
 * older one ('types-stale'), or nothing ('missing').
 */
export function tfjsTypesState(workspaceDir: string, version: string): TfjsTypesState {
  const tfjs = path.join(workspaceDir, 'node_modules', '@tensorflow', 'tfjs');
  if (!fs.existsSync(tfjs)) return 'missing';
  if (!isOurCopy(tfjs)) return 'installed';
  let stamp: { version?: unknown } | undefined;
  try {
    stamp = JSON.parse(fs.readFileSync(path.join(workspaceDir, TFJS_TYPES_STAMP), 'utf8'));
  } catch {
    stamp = undefined;
  }
  return stamp?.version === version ? 'types-current' : 'types-stale';
}

function copyTree(from: string, to: string): void {
  fs.cpSync(from, to, { recursive: true });
}

/** Copies every types package into node_modules, replacing only our own older copies; writes the stamp. */
export function installTfjsTypes(typesDir: string, workspaceDir: string, version: string): TfjsTypesResult {
  const result: TfjsTypesResult = { written: [], kept: [] };
  for (const name of packagesIn(typesDir)) {
    const target = path.join(workspaceDir, 'node_modules', ...name.split('/'));
    if (fs.existsSync(target)) {
      if (!isOurCopy(target)) {
        result.kept.push(name);
        continue;
      }
      fs.rmSync(target, { recursive: true, force: true });
    }
    copyTree(path.join(typesDir, ...name.split('/')), target);
    result.written.push(`${name}@${String(readManifest(target)?.version ?? '?')}`);
  }
  fs.writeFileSync(
    path.join(workspaceDir, TFJS_TYPES_STAMP),
    JSON.stringify({ version, packages: result.written, note: 'Training Lens: types-only tfjs' }, null, 2) + '\n',
  );
  return result;
}
