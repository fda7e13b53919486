/**
 * Builds the dashboard webview bundle exactly as the extension's build does (the lead's esbuild.config.mjs uses
 * the same options): webview/main.ts -> <outdir>/webview.js (browser IIFE), webview/dashboard.css -> <outdir>/webview.css.
 */
import * as esbuild from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '..', '..');

export function webviewBuildOptions(outdir: string): esbuild.BuildOptions {
  return {
    absWorkingDir: repoRoot,
    entryPoints: [path.join(repoRoot, 'webview', 'main.ts')],
    outfile: path.join(outdir, 'webview.js'),
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    sourcemap: true,
    // the VSIX build (--production) minifies; test that variant
    minify: !process.env.TL_NO_MINIFY, // TL_NO_MINIFY=1: readable names in a profile (bench:webview)
    logLevel: 'silent',
  };
}

export async function buildWebview(outdir: string): Promise<{ js: string; css: string }> {
  await mkdir(outdir, { recursive: true });
  await esbuild.build(webviewBuildOptions(outdir));
  const css = path.join(outdir, 'webview.css');
  await copyFile(path.join(repoRoot, 'webview', 'dashboard.css'), css);
  return { js: path.join(outdir, 'webview.js'), css };
}
