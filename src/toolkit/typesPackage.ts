/**
 * Installs the editor types of `training-lens` (generated at build time by scripts/toolkit-types.mjs into
 * dist/toolkit-types) as a types-only package at <workspace>/node_modules/training-lens. TypeScript resolves a
 * bare import there in every setup — no tsconfig (VS Code's inferred project), a tsconfig with any `include`, any
 * moduleResolution — where a loose .d.ts would need the project to include it. `npm install`/`npm ci` may prune it
 * as extraneous: run the command again.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const TYPES_PACKAGE_DIR = path.join('node_modules', 'training-lens');
const MARKER = 'Training Lens: Add Toolkit Types';

export interface InstalledTypes {
  dir: string;
  files: string[];
  /** true when an older copy was replaced */
  replaced: boolean;
}

function listFiles(dir: string, base = dir): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap(e =>
      e.isDirectory() ? listFiles(path.join(dir, e.name), base) : [path.relative(base, path.join(dir, e.name))],
    );
}

/** Copies the generated types package into the workspace; refuses to overwrite a real `training-lens` package. */
export function installToolkitTypes(typesDir: string, workspaceDir: string): InstalledTypes {
  const source = path.join(typesDir, 'package.json');
  if (!fs.existsSync(source) || !fs.existsSync(path.join(typesDir, 'index.d.ts'))) {
    throw new Error(
      `The toolkit types were not built (${typesDir} has no package.json and index.d.ts): run npm run build`,
    );
  }
  const dir = path.join(workspaceDir, TYPES_PACKAGE_DIR);
  const existing = path.join(dir, 'package.json');
  let replaced = false;
  if (fs.existsSync(dir)) {
    let description = '';
    try {
      description = String(JSON.parse(fs.readFileSync(existing, 'utf8')).description ?? '');
    } catch {
      /* not ours */
    }
    if (!description.includes(MARKER)) {
      throw new Error(
        `${dir} already holds a package that Training Lens did not write; remove it first if the toolkit types should go there`,
      );
    }
    fs.rmSync(dir, { recursive: true, force: true });
    replaced = true;
  }
  const files = listFiles(typesDir);
  for (const rel of files) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.copyFileSync(path.join(typesDir, rel), path.join(dir, rel));
  }
  return { dir, files, replaced };
}
