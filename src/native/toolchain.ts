/**
 * The build tools a native build runs: a C++ compiler and make, a real Node.js binary (not Electron's), npm and
 * npm's own node-gyp, each found without downloading anything; and one way to run them with a clear error.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NativeSetupError, type NativeProblem } from './errors';

function which(cmd: string, env: NodeJS.ProcessEnv): boolean {
  return spawnSync(cmd, ['--version'], { env, stdio: 'ignore' }).status === 0;
}

/** Throws a NativeSetupError naming what to install when no C++ compiler or make is on PATH. */
export function checkCompiler(env: NodeJS.ProcessEnv = process.env): void {
  const cxx = env.CXX || 'c++';
  if (!which(cxx, env) && !which('g++', env) && !which('clang++', env))
    throw new NativeSetupError(
      'no-compiler',
      `No C++ compiler found (tried ${cxx}, g++, clang++). Install one (Debian/Ubuntu: \`sudo apt-get install build-essential\`; macOS: \`xcode-select --install\`).`,
    );
  if (!which('make', env))
    throw new NativeSetupError(
      'no-compiler',
      'No `make` found. Install build tools (Debian/Ubuntu: `sudo apt-get install build-essential`; macOS: `xcode-select --install`).',
    );
}

/** Runs a build tool; rejects with the problem and the output's last lines when it fails. */
export function runTool(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env: NodeJS.ProcessEnv; signal?: AbortSignal },
  problem: NativeProblem,
  what: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env,
      signal: opts.signal,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', d => {
      out = (out + d).slice(-20_000);
    });
    child.stderr.on('data', d => {
      out = (out + d).slice(-20_000);
    });
    child.on('error', e => reject(new NativeSetupError(problem, `${what} could not start: ${e.message}`)));
    child.on('close', code =>
      code === 0
        ? resolve(out)
        : reject(
            new NativeSetupError(
              problem,
              `${what} failed (exit ${code}): ${out.trim().split('\n').slice(-3).join(' | ')}`,
              out,
            ),
          ),
    );
  });
}

/** A real Node.js binary: this process's, unless it is Electron (the extension host), then `node` from PATH. */
export function nodeBinary(env: NodeJS.ProcessEnv): string {
  if (!process.versions.electron) return process.execPath;
  const r = spawnSync(process.platform === 'win32' ? 'where' : 'which', ['node'], { encoding: 'utf8', env });
  const found = r.status === 0 ? r.stdout.trim().split('\n')[0] : '';
  if (!found)
    throw new NativeSetupError('no-compiler', 'Node.js (with npm) is needed on PATH to build the native backend.');
  return found;
}

/** npm's own node-gyp (shipped with npm next to node), with node's own headers when installed (no download). */
export function nodeGyp(node: string, env: NodeJS.ProcessEnv): { cmd: string; args: string[] } {
  const prefix = path.resolve(path.dirname(fs.realpathSync(node)), '..');
  const nodedir = fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h')) ? [`--nodedir=${prefix}`] : [];
  for (const p of [path.join(prefix, 'lib'), path.dirname(node)]) {
    const js = path.join(p, 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
    if (fs.existsSync(js)) return { cmd: node, args: [js, ...nodedir] };
  }
  if (env.npm_config_node_gyp && fs.existsSync(env.npm_config_node_gyp))
    return { cmd: node, args: [env.npm_config_node_gyp, ...nodedir] };
  // the npm on PATH (e.g. when this process is an editor's bundled Node): its package holds node-gyp too
  const npm = spawnSync(process.platform === 'win32' ? 'where' : 'which', ['npm'], { encoding: 'utf8', env });
  if (npm.status === 0 && npm.stdout.trim()) {
    const js = path.join(
      path.dirname(fs.realpathSync(npm.stdout.trim().split('\n')[0])),
      '..',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    );
    if (fs.existsSync(js)) return { cmd: node, args: [js, ...nodedir] };
  }
  return { cmd: 'node-gyp', args: nodedir };
}

export function npmCommand(node: string): { cmd: string; args: string[] } {
  const cli = path.resolve(
    path.dirname(fs.realpathSync(node)),
    '..',
    'lib',
    'node_modules',
    'npm',
    'bin',
    'npm-cli.js',
  );
  if (fs.existsSync(cli)) return { cmd: node, args: [cli] };
  return { cmd: process.platform === 'win32' ? 'npm.cmd' : 'npm', args: [] };
}
