// Builds every bundle: the extension (node, `vscode` external), the runner child and the CLI (node, tfjs and
// esbuild external: they ship as dependencies), and the dashboard webview (browser). `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const outdir = 'dist';

// tfjs is pure JS and is bundled (the .wasm binaries are copied to dist/wasm); esbuild has a native binary and
// ships in node_modules; tfjs-node is optional, native, and is looked up at run time (workspace first).
const NODE_EXTERNAL = [
  '@tensorflow/tfjs-node',
  '@tensorflow/tfjs-node-gpu',
  '@tensorflow/tfjs-backend-wasm/package.json',
  'esbuild',
];

/** @type {import('esbuild').BuildOptions} */
const nodeCommon = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  minify: production,
  logLevel: 'info',
  external: NODE_EXTERNAL,
};

/** The dashboard webview bundle (also used by test/webview). @type {import('esbuild').BuildOptions} */
export const webviewOptions = {
  entryPoints: ['webview/main.ts'],
  outfile: path.join(outdir, 'webview.js'),
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
  sourcemap: true,
  minify: production,
  logLevel: 'info',
};

/** The Sweep panel webview bundle (test/webview/sweep.test.ts builds it with the same options). */
export const sweepWebviewOptions = {
  ...webviewOptions,
  entryPoints: ['webview/sweep.ts'],
  outfile: path.join(outdir, 'sweep.js'),
};

const builds = [
  {
    ...nodeCommon,
    entryPoints: ['extension/extension.ts'],
    outfile: path.join(outdir, 'extension.js'),
    external: [...NODE_EXTERNAL, 'vscode'],
  },
  { ...nodeCommon, entryPoints: ['src/runner/child.ts'], outfile: path.join(outdir, 'runner.js') },
  { ...nodeCommon, entryPoints: ['src/cli/main.ts'], outfile: path.join(outdir, 'cli.js') },
  // Compare Optimizers: the child that computes the paths, and its webview
  { ...nodeCommon, entryPoints: ['src/playground/child.ts'], outfile: path.join(outdir, 'playground.js') },
  { ...webviewOptions, entryPoints: ['webview/playground.ts'], outfile: path.join(outdir, 'playground-webview.js') },
  // the Sweep panel (its `import './sweep.css'` becomes dist/sweep.css)
  sweepWebviewOptions,
  webviewOptions,
];

/** Static assets: the webview stylesheet and the wasm backend's binaries (setWasmPaths points at dist/wasm). */
function copyAssets() {
  fs.mkdirSync(path.join(outdir, 'wasm'), { recursive: true });
  fs.copyFileSync('webview/dashboard.css', path.join(outdir, 'webview.css'));
  fs.copyFileSync('webview/playground.css', path.join(outdir, 'playground.css'));
  const wasmDist = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  for (const f of fs.readdirSync(wasmDist).filter(f => f.endsWith('.wasm')))
    fs.copyFileSync(path.join(wasmDist, f), path.join(outdir, 'wasm', f));
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve('esbuild.config.mjs')) {
  if (watch) {
    for (const b of builds) await (await esbuild.context(b)).watch();
    copyAssets();
    fs.watch('webview', (_e, f) => {
      if (f?.endsWith('.css')) copyAssets();
    });
  } else {
    await Promise.all(builds.map(b => esbuild.build(b)));
    copyAssets();
    // editor types of `import ... from 'training-lens'` (Training Lens: Add Toolkit Types copies them)
    const { writeToolkitTypes } = await import('./scripts/toolkit-types.mjs');
    writeToolkitTypes(path.join(outdir, 'toolkit-types'));
    // types-only tfjs for workspaces without npm install (New Training Job and the "Add tfjs Types" offer copy them)
    const { writeTfjsTypes } = await import('./scripts/tfjs-types.mjs');
    writeTfjsTypes(path.join(outdir, 'tfjs-types'));
  }
}
