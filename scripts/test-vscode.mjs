#!/usr/bin/env node
// API-level suite (test/vscode/*.test.ts, mocha tdd) in a real VS Code extension host.
//
//   npm run test:vscode                   @vscode/test-cli + @vscode/test-electron (desktop VS Code)
//   VSCODE_EXECUTABLE=/path/to/code ...    use that VS Code instead of downloading one
//   npm run test:vscode -- --code-server  run the same suite in code-server's extension host (works offline):
//                                         once trusted (--disable-workspace-trust) and once in Restricted Mode
//
// Desktop VS Code comes from VSCODE_EXECUTABLE, a download cached in .vscode-test/, or a download. When none can be
// had (no network to the VS Code update service), it prints one line saying it skipped and why, and exits 0.
// Prints `N passed, N failed` last.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'node_modules/.cache/training-lens/vscode-tests');
const UPDATE_URL = 'https://update.code.visualstudio.com/api/releases/stable';
const args = process.argv.slice(2);
const viaCodeServer = args.includes('--code-server') || process.env.TL_VSCODE_VIA_CODE_SERVER === '1';

const log = m => console.log(`[test:vscode] ${m}`);

/** test/vscode/*.test.ts -> one CommonJS file each (vscode and mocha stay external). */
async function compile() {
  const esbuild = await import('esbuild');
  fs.rmSync(OUT, { recursive: true, force: true });
  const entryPoints = fs
    .readdirSync(path.join(ROOT, 'test/vscode'))
    .filter(f => f.endsWith('.test.ts'))
    .map(f => path.join(ROOT, 'test/vscode', f));
  await esbuild.build({
    entryPoints,
    outdir: OUT,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: ['vscode', 'mocha'],
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  return entryPoints.length;
}

function cachedVsCode() {
  const dir = path.join(ROOT, '.vscode-test');
  try {
    return fs.readdirSync(dir).find(d => /^vscode-linux-x64-/.test(d)) ?? null;
  } catch {
    return null;
  }
}

async function canDownload() {
  try {
    const res = await fetch(UPDATE_URL, { signal: AbortSignal.timeout(5000) });
    return res.ok ? null : `HTTP ${res.status} from ${new URL(UPDATE_URL).host}`;
  } catch (/** @type {any} */ err) {
    const cause = err?.cause?.code ?? err?.cause?.message ?? err?.name ?? String(err);
    return `${new URL(UPDATE_URL).host} unreachable (${cause})`;
  }
}

function summarize(out) {
  const passed = Number(/(\d+) passing/.exec(out)?.[1] ?? 0);
  const failed = Number(/(\d+) failing/.exec(out)?.[1] ?? 0);
  return { passed, failed };
}

function run(cmd, argv, env) {
  return new Promise(resolve => {
    const child = spawn(cmd, argv, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', d => {
      out += d;
      process.stdout.write(d);
    });
    child.stderr.on('data', d => {
      out += d;
      process.stderr.write(d);
    });
    child.on('exit', code => resolve({ code: code ?? 1, out }));
  });
}

// ---------------------------------------------------------------------------------------------------- desktop
async function desktop() {
  if (!process.env.VSCODE_EXECUTABLE && !cachedVsCode()) {
    const why = await canDownload();
    if (why) {
      console.log(
        `test:vscode skipped: VS Code cannot be downloaded here (${why}) and VSCODE_EXECUTABLE is not set; the same scenarios run in a real VS Code through code-server: npm run test:e2e, or npm run test:vscode -- --code-server`,
      );
      return 0;
    }
  }
  const n = await compile();
  log(`compiled ${n} test file(s); building the extension`);
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed');

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-vscode-'));
  const ws = path.join(tmp, 'workspace');
  fs.cpSync(path.join(ROOT, 'test/fixtures/e2e-workspace'), ws, { recursive: true });
  const env = { TL_VSCODE_WORKSPACE: ws, TL_VSCODE_PROFILE: tmp, TL_VSCODE_TESTS_OUT: OUT };
  const cli = path.join(ROOT, 'node_modules/.bin/vscode-test');
  let cmd = cli;
  let argv = ['--config', path.join(ROOT, '.vscode-test.mjs')];
  if (!process.env.DISPLAY && process.platform === 'linux') {
    const which = () => spawnSync('sh', ['-c', 'command -v xvfb-run'], { encoding: 'utf8' }).stdout.trim();
    if (!which() && process.getuid?.() === 0) {
      log('no DISPLAY: installing xvfb (Debian) to give VS Code a virtual display');
      spawnSync(
        'sh',
        ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq xvfb xauth'],
        { stdio: 'inherit' },
      );
    }
    const xvfb = which();
    if (xvfb) {
      argv = ['-a', cli, ...argv];
      cmd = xvfb;
    } else {
      log('no DISPLAY and no xvfb-run (apt-get install xvfb): VS Code may fail to start');
    }
  }
  try {
    const res = await run(cmd, argv, env);
    const { passed, failed } = summarize(res.out);
    console.log(`${passed} passed, ${failed || (res.code ? 1 : 0)} failed`);
    return res.code === 0 ? 0 : 1;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------- code-server
/**
 * The same compiled suite inside code-server's (Node) extension host: a throwaway "test host" extension that depends
 * on Training Lens runs mocha on startup and writes its results to a file; Chromium opens the window so that the
 * extension host starts.
 */
async function codeServer() {
  const { ensureCodeServer, installExtension, startCodeServer, writeUserSettings, baseSettings } =
    await import('../test/e2e/lib/code-server.mjs');
  const { chromium } = await import('playwright-core');
  const entry = ensureCodeServer();
  const n = await compile();
  log(`compiled ${n} test file(s)`);

  let vsix = process.env.TL_E2E_VSIX
    ? path.resolve(process.env.TL_E2E_VSIX)
    : path.join(ROOT, 'dist/training-lens.vsix');
  if (!process.env.TL_E2E_VSIX && process.env.TL_E2E_SKIP_PACKAGE !== '1') {
    log('npm run package');
    const res = spawnSync('npm', ['run', '--silent', 'package'], { cwd: ROOT, encoding: 'utf8' });
    if (res.status !== 0) {
      process.stdout.write(res.stdout ?? '');
      process.stderr.write(res.stderr ?? '');
      throw new Error('npm run package failed');
    }
  }
  if (!fs.existsSync(vsix)) throw new Error(`${vsix} does not exist`);

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-vscode-cs-'));
  const extensionsDir = path.join(tmp, 'extensions');
  const configHome = path.join(tmp, 'config');
  const host = path.join(tmp, 'test-host');
  fs.mkdirSync(host, { recursive: true });
  fs.writeFileSync(
    path.join(host, 'package.json'),
    JSON.stringify({
      name: 'api-test-host',
      publisher: 'training-lens-tests',
      version: '0.0.1',
      license: 'MIT',
      engines: { vscode: '^1.100.0' },
      main: './host.js',
      activationEvents: ['onStartupFinished'],
      extensionDependencies: ['training-lens.training-lens'],
      capabilities: { untrustedWorkspaces: { supported: true } },
    }),
  );
  fs.writeFileSync(
    path.join(host, 'host.js'),
    `
const fs = require('fs');
exports.activate = () => {
  const results = process.env.TL_API_RESULTS;
  if (!results || fs.existsSync(results + '.started')) return;
  fs.writeFileSync(results + '.started', String(process.pid));
  const Mocha = require(process.env.TL_MOCHA);
  const mocha = new Mocha({ ui: 'tdd', timeout: 120000, color: false, reporter: Mocha.reporters.Base, grep: process.env.TL_API_GREP || undefined });
  for (const f of JSON.parse(process.env.TL_API_FILES)) mocha.addFile(f);
  const lines = []; let passed = 0, failed = 0, pending = 0;
  const runner = mocha.run();
  runner.on('pass', (t) => { passed++; lines.push('  ✔ ' + t.fullTitle() + ' (' + t.duration + ' ms)'); });
  runner.on('pending', (t) => { pending++; lines.push('  - ' + t.fullTitle() + ' (skipped)'); });
  runner.on('fail', (t, err) => { failed++; lines.push('  ✖ ' + t.fullTitle() + '\\n      ' + String(err && err.stack || err).split('\\n').slice(0, 6).join('\\n      ')); });
  runner.on('end', () => fs.writeFileSync(results, JSON.stringify({ passed, failed, pending, lines })));
};`,
  );
  // a VSIX is needed for --install-extension: zip the host folder with the layout vsce uses
  const hostVsix = path.join(tmp, 'test-host.vsix');
  const zip = spawnSync(
    'python3',
    [
      '-c',
      `
import zipfile, sys, os
z = zipfile.ZipFile(sys.argv[2], 'w')
z.writestr('extension.vsixmanifest', '''<?xml version="1.0" encoding="utf-8"?>
<PackageManifest Version="2.0.0" xmlns="http://schemas.microsoft.com/developer/vsx-schema/2011"><Metadata><Identity Language="en-US" Id="api-test-host" Version="0.0.1" Publisher="training-lens-tests"/><DisplayName>api-test-host</DisplayName><Description xml:space="preserve">test host</Description><Properties><Property Id="Microsoft.VisualStudio.Code.Engine" Value="^1.100.0"/><Property Id="Microsoft.VisualStudio.Code.ExtensionDependencies" Value="training-lens.training-lens"/></Properties></Metadata><Installation><InstallationTarget Id="Microsoft.VisualStudio.Code"/></Installation><Dependencies/><Assets><Asset Type="Microsoft.VisualStudio.Code.Manifest" Path="extension/package.json" Addressable="true"/></Assets></PackageManifest>''')
z.writestr('[Content_Types].xml', '<?xml version="1.0" encoding="utf-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension=".json" ContentType="application/json"/><Default Extension=".js" ContentType="application/javascript"/><Default Extension=".vsixmanifest" ContentType="text/xml"/></Types>')
for f in ('package.json', 'host.js'):
    z.write(os.path.join(sys.argv[1], f), 'extension/' + f)
z.close()`,
      host,
      hostVsix,
    ],
    { encoding: 'utf8' },
  );
  if (zip.status !== 0) throw new Error(`zipping the test host failed: ${zip.stderr}`);

  const baseUserData = path.join(tmp, 'user-data');
  installExtension({ entry, vsix, extensionsDir, userDataDir: baseUserData, configHome });
  installExtension({ entry, vsix: hostVsix, extensionsDir, userDataDir: baseUserData, configHome });

  const files = fs
    .readdirSync(OUT)
    .filter(f => f.endsWith('.test.js'))
    .map(f => path.join(OUT, f));
  const mochaPath = path.dirname(fileURLToPath(import.meta.resolve('mocha/package.json')));
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  let passed = 0;
  let failed = 0;
  try {
    for (const pass of [
      { name: 'trusted', trust: false, grep: '' },
      { name: 'restricted', trust: true, grep: 'commands are registered|^Training Lens \\(API level\\) (1|6)\\.' },
    ]) {
      const ws = path.join(tmp, `workspace-${pass.name}`);
      fs.cpSync(path.join(ROOT, 'test/fixtures/e2e-workspace'), ws, { recursive: true });
      const userDataDir = path.join(tmp, `user-data-${pass.name}`);
      writeUserSettings(userDataDir, baseSettings({ trust: pass.trust }));
      const results = path.join(tmp, `results-${pass.name}.json`);
      // the extension host inherits code-server's environment
      const saved = { ...process.env };
      Object.assign(process.env, {
        TL_API_RESULTS: results,
        TL_API_FILES: JSON.stringify(files),
        TL_MOCHA: mochaPath,
        TL_API_GREP: pass.grep,
      });
      const server = await startCodeServer({
        entry,
        folder: ws,
        userDataDir,
        extensionsDir,
        configHome,
        logFile: path.join(tmp, `code-server-${pass.name}.log`),
        disableTrust: !pass.trust,
      });
      process.env = saved;
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      try {
        log(`${pass.name}: ${server.workbenchUrl}`);
        await page.goto(server.workbenchUrl);
        const deadline = Date.now() + 8 * 60_000;
        while (!fs.existsSync(results) && Date.now() < deadline) await new Promise(r => setTimeout(r, 500));
        if (!fs.existsSync(results))
          throw new Error(
            `${pass.name}: no results within 8 minutes (started: ${fs.existsSync(results + '.started')})`,
          );
        const r = JSON.parse(fs.readFileSync(results, 'utf8'));
        console.log(`${pass.name} window (${pass.trust ? 'Restricted Mode' : 'trusted'}):\n${r.lines.join('\n')}`);
        passed += r.passed;
        failed += r.failed;
      } finally {
        await page.close();
        await server.stop();
      }
    }
  } finally {
    await browser.close();
    if (process.env.TL_E2E_KEEP !== '1') fs.rmSync(tmp, { recursive: true, force: true });
    else log(`kept ${tmp}`);
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 && passed > 0 ? 0 : 1;
}

try {
  process.exitCode = viaCodeServer ? await codeServer() : await desktop();
} catch (/** @type {any} */ err) {
  console.error(`[test:vscode] ERROR: ${err?.stack ?? err}`);
  console.log('0 passed, 1 failed');
  process.exitCode = 1;
}
