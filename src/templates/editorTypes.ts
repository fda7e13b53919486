/**
 * Both editor-types packages a new job needs, in one step: the types-only tfjs (src/toolkit/tfjsTypes.ts) and the
 * toolkit's (src/toolkit/typesPackage.ts). Used by `training-lens new` and the New Training Job command.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { installTfjsTypes, tfjsTypesState } from '../toolkit/tfjsTypes';
import { installToolkitTypes } from '../toolkit/typesPackage';

export interface TypesLocation {
  /** dist/tfjs-types of the extension or the package */
  tfjsTypes: string;
  /** dist/toolkit-types */
  toolkitTypes: string;
  /** the extension's version (the stamp that triggers a refresh after an update) */
  version: string;
}

/** dist/ next to the running bundle, or the repository's dist/ when run from the sources (tests). */
export function typesLocation(fromDir: string): TypesLocation {
  let dist = fromDir;
  if (!fs.existsSync(path.join(dist, 'tfjs-types'))) dist = path.resolve(fromDir, '..', '..', 'dist');
  const manifest = path.join(dist, '..', 'package.json');
  const version = String(JSON.parse(fs.readFileSync(manifest, 'utf8')).version ?? '0.0.0');
  return { tfjsTypes: path.join(dist, 'tfjs-types'), toolkitTypes: path.join(dist, 'toolkit-types'), version };
}

/** Installs both; returns one line per package set written or kept. */
export function installEditorTypes(types: TypesLocation, workspace: string): string[] {
  const notes: string[] = [];
  const state = tfjsTypesState(workspace, types.version);
  if (state === 'installed')
    notes.push(`using your installed @tensorflow/tfjs in ${path.join(workspace, 'node_modules')}`);
  if (state === 'types-current') notes.push(`tfjs types already in ${path.join(workspace, 'node_modules')}`);
  const tfjs =
    state === 'missing' || state === 'types-stale'
      ? installTfjsTypes(types.tfjsTypes, workspace, types.version)
      : { written: [], kept: [] };
  if (tfjs.written.length)
    notes.push(`types (no npm install needed): ${tfjs.written.join(', ')} in ${path.join(workspace, 'node_modules')}`);
  if (tfjs.kept.length) notes.push(`kept your installed ${tfjs.kept.join(', ')}`);
  try {
    const toolkit = installToolkitTypes(types.toolkitTypes, workspace);
    notes.push(`types of 'training-lens' in ${toolkit.dir}`);
  } catch (e) {
    notes.push(`training-lens types not written: ${(e as Error).message}`);
  }
  return notes;
}
