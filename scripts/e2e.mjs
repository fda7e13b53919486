#!/usr/bin/env node
// Real-VS-Code end-to-end suite: code-server 4.100.3 (VS Code 1.100) driven by headless Chromium.
//
//   npm run test:e2e                        everything: setup, package, install, start, test, stop
//   TL_E2E_VSIX=/path/x.vsix                 use this VSIX instead of `npm run package`
//   TL_E2E_SKIP_PACKAGE=1                    use the existing dist/training-lens.vsix
//   TL_E2E_TESTS="test/e2e/02-*.test.ts"     run only some test files (space-separated paths or simple globs)
//   TL_E2E_KEEP=1                            keep the temp folder (user data, logs, workspaces) afterwards
//
// Two code-server instances share one extensions dir:
//   trusted    — `--disable-workspace-trust` (code-server 1.100 enables trust and shows a modal prompt by default)
//   restricted — trust enabled, startup prompt off, the folder never trusted: the window opens in Restricted Mode
// Screenshots and logs go to test-artifacts/ (git-ignored). The last line is `N passed, N failed`.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  REPO_ROOT,
  baseSettings,
  ensureCodeServer,
  installExtension,
  startCodeServer,
  writeUserSettings,
} from '../test/e2e/lib/code-server.mjs';

const t0 = Date.now();
const secs = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
const log = msg => console.log(`[e2e ${secs()}] ${msg}`);

const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');
const FIXTURE = path.join(REPO_ROOT, 'test/fixtures/e2e-workspace');
const servers = [];
let tmp;
let exitCode = 1;
let passed = 0;
let failed = 0;

async function cleanup() {
  await Promise.all(servers.map(s => s.stop().catch(() => undefined)));
  servers.length = 0;
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, async () => {
    await cleanup();
    process.exit(130);
  });
}

/** The dead-ReLU job of the diagnosis benchmark, used as is (09-diagnosis): jobs/dead-relu.ts + lib/data.ts. */
function addDiagnosisJob(workspace) {
  const diagnosis = path.join(REPO_ROOT, 'bench/diagnosis');
  fs.mkdirSync(path.join(workspace, 'lib'), { recursive: true });
  fs.copyFileSync(path.join(diagnosis, 'jobs/dead-relu.train.ts'), path.join(workspace, 'jobs/dead-relu.ts'));
  fs.copyFileSync(path.join(diagnosis, 'lib/data.ts'), path.join(workspace, 'lib/data.ts'));
}

function copyDir(src, dst) {
  fs.cpSync(src, dst, {
    recursive: true,
    filter: p => !p.includes(`${path.sep}.training-lens${path.sep}`) && !p.endsWith(`${path.sep}.training-lens`),
  });
}

function buildVsix() {
  if (process.env.TL_E2E_VSIX) return path.resolve(process.env.TL_E2E_VSIX);
  const vsix = path.join(REPO_ROOT, 'dist/training-lens.vsix');
  if (process.env.TL_E2E_SKIP_PACKAGE !== '1') {
    log('npm run package');
    const res = spawnSync('npm', ['run', '--silent', 'package'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
    });
    if (res.status !== 0) {
      process.stdout.write(res.stdout ?? '');
      process.stderr.write(res.stderr ?? '');
      throw new Error(`npm run package failed (exit ${res.status})`);
    }
  }
  if (!fs.existsSync(vsix)) throw new Error(`${vsix} does not exist`);
  return vsix;
}

function expandTests() {
  const dir = path.join(REPO_ROOT, 'test/e2e');
  const all = fs
    .readdirSync(dir)
    .filter(f => f.endsWith('.test.ts'))
    .sort()
    .map(f => path.join('test/e2e', f));
  const sel = process.env.TL_E2E_TESTS?.trim();
  if (!sel) return all;
  const pats = sel.split(/\s+/).map(
    p =>
      new RegExp(
        `^${p
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '.*')
          .replace(/\?/g, '.')}$`,
      ),
  );
  return all.filter(f => pats.some(re => re.test(f) || re.test(path.basename(f))));
}

function runTests(files, env) {
  return new Promise(resolve => {
    const args = ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files];
    const child = spawn(process.execPath, args, {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', d => {
      out += d;
      process.stdout.write(d);
    });
    child.on('exit', code => resolve({ code: code ?? 1, out }));
  });
}

async function main() {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  for (const f of fs.readdirSync(ARTIFACTS))
    if (f.startsWith('FAILED-')) fs.rmSync(path.join(ARTIFACTS, f), { force: true });
  log('setting up code-server (cached after the first run)');
  const entry = ensureCodeServer();
  const vsix = buildVsix();
  log(`VSIX: ${path.relative(REPO_ROOT, vsix)} (${(fs.statSync(vsix).size / 1024).toFixed(0)} KiB)`);

  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-e2e-'));
  const extensionsDir = path.join(tmp, 'extensions');
  const configHome = path.join(tmp, 'config');
  const trusted = { userDataDir: path.join(tmp, 'user-data'), folder: path.join(tmp, 'workspace') };
  const restricted = {
    userDataDir: path.join(tmp, 'user-data-restricted'),
    folder: path.join(tmp, 'restricted-workspace'),
  };
  copyDir(FIXTURE, trusted.folder);
  copyDir(FIXTURE, restricted.folder);
  addDiagnosisJob(trusted.folder);
  writeUserSettings(trusted.userDataDir, baseSettings({ trust: false }));
  writeUserSettings(restricted.userDataDir, baseSettings({ trust: true }));

  log('installing the VSIX with code-server --install-extension');
  installExtension({ entry, vsix, extensionsDir, userDataDir: trusted.userDataDir, configHome });
  const installed = fs.readdirSync(extensionsDir).filter(d => !d.startsWith('.') && d !== 'extensions.json');
  log(`installed: ${installed.join(', ')}`);

  log('starting code-server (trusted and restricted instances)');
  const [a, b] = await Promise.all([
    startCodeServer({
      entry,
      extensionsDir,
      configHome,
      ...trusted,
      disableTrust: true,
      logFile: path.join(tmp, 'code-server.log'),
    }),
    startCodeServer({
      entry,
      extensionsDir,
      configHome,
      ...restricted,
      disableTrust: false,
      logFile: path.join(tmp, 'code-server-restricted.log'),
    }),
  ]);
  servers.push(a, b);
  log(`trusted: ${a.workbenchUrl}`);
  log(`restricted: ${b.workbenchUrl}`);

  const files = expandTests();
  if (files.length === 0) throw new Error('no e2e test files selected');
  log(`running ${files.length} test file(s)`);
  const res = await runTests(files, {
    TL_E2E_URL: a.url,
    TL_E2E_WORKSPACE: trusted.folder,
    TL_E2E_USER_DATA: trusted.userDataDir,
    TL_E2E_RESTRICTED_URL: b.url,
    TL_E2E_RESTRICTED_WORKSPACE: restricted.folder,
    TL_E2E_RESTRICTED_USER_DATA: restricted.userDataDir,
    TL_E2E_ARTIFACTS: ARTIFACTS,
    TL_E2E_CHROMIUM: '/usr/bin/chromium',
  });
  passed = Number(/^ℹ pass (\d+)/m.exec(res.out)?.[1] ?? 0);
  failed = Number(/^ℹ fail (\d+)/m.exec(res.out)?.[1] ?? 0);
  if (res.code !== 0 && failed === 0) failed = 1; // the runner itself failed (e.g. a file did not load)
  exitCode = res.code === 0 && failed === 0 ? 0 : 1;
}

function saveLogs() {
  if (!tmp) return;
  const dst = path.join(ARTIFACTS, 'logs');
  fs.rmSync(dst, { recursive: true, force: true });
  fs.mkdirSync(dst, { recursive: true });
  for (const f of ['code-server.log', 'code-server-restricted.log']) {
    if (fs.existsSync(path.join(tmp, f))) fs.copyFileSync(path.join(tmp, f), path.join(dst, f));
  }
  for (const ud of ['user-data', 'user-data-restricted']) {
    const logs = path.join(tmp, ud, 'logs');
    if (fs.existsSync(logs)) fs.cpSync(logs, path.join(dst, ud), { recursive: true });
  }
  const runs = path.join(tmp, 'workspace/.training-lens');
  if (fs.existsSync(runs)) fs.cpSync(runs, path.join(dst, 'workspace-training-lens'), { recursive: true });
}

try {
  await main();
} catch (/** @type {any} */ err) {
  console.error(`[e2e ${secs()}] ERROR: ${err?.stack ?? err}`);
  exitCode = 1;
  if (failed === 0) failed = 1;
} finally {
  await cleanup();
  try {
    saveLogs();
  } catch (err) {
    console.error(`could not save logs: ${err}`);
  }
  if (tmp && process.env.TL_E2E_KEEP !== '1') fs.rmSync(tmp, { recursive: true, force: true });
  else if (tmp) log(`kept ${tmp}`);
  log(`done; artifacts in ${path.relative(REPO_ROOT, ARTIFACTS)}/`);
  console.log(`${passed} passed, ${failed} failed`);
}
process.exit(exitCode);
