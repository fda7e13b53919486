// Builds the types-only copy of the runner's tfjs for job files in workspaces that never ran `npm install`: the
// declaration files (.d.ts) of @tensorflow/tfjs and of every package its declarations reach (tfjs-core, -layers,
// -data, -converter, the cpu and webgl backends, @webgpu/types), each with a package.json that has only
// "types" and no "main" (nothing to run). "Training Lens: Add tfjs Types" copies them into
// <workspace>/node_modules (src/toolkit/tfjsTypes.ts). `node scripts/tfjs-types.mjs [outDir]` (default
// dist/tfjs-types); esbuild.config.mjs runs it on build.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The packages whose declarations `import * as tf from '@tensorflow/tfjs'` reaches. */
export const TFJS_TYPE_PACKAGES = [
  '@tensorflow/tfjs',
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-layers',
  '@tensorflow/tfjs-data',
  '@tensorflow/tfjs-converter',
  '@tensorflow/tfjs-backend-cpu',
  '@tensorflow/tfjs-backend-webgl',
  '@webgpu/types',
];

/** Marks a copy as ours: the installer replaces only packages whose description holds it. */
export const TFJS_TYPES_MARKER = 'Types only, written by Training Lens';

function declarationFiles(dir, base = dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : declarationFiles(full, base);
    return e.name.endsWith('.d.ts') ? [path.relative(base, full)] : [];
  });
}

export function writeTfjsTypes(outDir, root = ROOT) {
  const require = createRequire(path.join(root, 'package.json'));
  fs.rmSync(outDir, { recursive: true, force: true });
  const written = [];
  for (const name of TFJS_TYPE_PACKAGES) {
    // tfjs' own dependencies sit next to it (hoisted) or inside it
    const from = name === '@tensorflow/tfjs' ? root : path.dirname(require.resolve('@tensorflow/tfjs/package.json'));
    const manifest = createRequire(path.join(from, 'package.json')).resolve(`${name}/package.json`);
    const pkg = JSON.parse(fs.readFileSync(manifest, 'utf8'));
    const types = pkg.types ?? pkg.typings;
    if (!types) throw new Error(`tfjs types: ${name} declares no "types"`);
    const dir = path.dirname(manifest);
    const target = path.join(outDir, ...name.split('/'));
    for (const rel of declarationFiles(dir)) {
      fs.mkdirSync(path.dirname(path.join(target, rel)), { recursive: true });
      fs.copyFileSync(path.join(dir, rel), path.join(target, rel));
    }
    if (!fs.existsSync(path.join(target, types))) throw new Error(`tfjs types: ${name} has no ${types}`);
    fs.writeFileSync(
      path.join(target, 'package.json'),
      JSON.stringify(
        {
          name,
          version: pkg.version,
          private: true,
          types,
          description: `${TFJS_TYPES_MARKER} for job files (the runner provides the code). Run npm install ${name} for the real package.`,
        },
        null,
        2,
      ) + '\n',
    );
    // the licence travels with the declarations (Apache-2.0 and BSD-3-Clause ask for it)
    for (const f of fs.readdirSync(dir).filter(f => /^licen[cs]e/i.test(f)))
      fs.copyFileSync(path.join(dir, f), path.join(target, f));
    written.push(`${name}@${pkg.version}`);
  }
  return written;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.join(ROOT, 'scripts', 'tfjs-types.mjs')) {
  const out = path.resolve(process.argv[2] ?? path.join(ROOT, 'dist', 'tfjs-types'));
  console.log(`tfjs types: ${writeTfjsTypes(out).join(', ')} in ${path.relative(process.cwd(), out) || '.'}`);
}
