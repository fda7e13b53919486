// Starting and stopping code-server (a real VS Code 1.100 served to a browser) for the e2e suite.
// Plain ESM so that scripts/e2e.mjs can use it without a TypeScript loader.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Runs scripts/setup-code-server.sh (cached, idempotent) and returns the code-server entry script. */
export function ensureCodeServer() {
  const res = spawnSync('bash', [path.join(REPO_ROOT, 'scripts/setup-code-server.sh')], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  if (res.status !== 0) throw new Error(`setup-code-server.sh failed with exit code ${res.status}`);
  const m = /^CODE_SERVER=(.+)$/m.exec(res.stdout);
  if (!m) throw new Error(`setup-code-server.sh did not print CODE_SERVER=...: ${res.stdout}`);
  return m[1].trim();
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (srv.address());
      srv.close(() => resolve(port));
    });
  });
}

/** User settings that keep the workbench quiet and deterministic (no welcome page, no tips, no updates). */
export function baseSettings({ trust }) {
  return {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'workbench.enableExperiments': false,
    'workbench.colorTheme': 'Default Dark Modern',
    'security.workspace.trust.enabled': trust,
    'security.workspace.trust.startupPrompt': 'never',
    'security.workspace.trust.banner': 'never',
    'security.workspace.trust.emptyWindow': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'update.mode': 'none',
    'git.enabled': false,
    'git.autoRepositoryDetection': false,
    'typescript.disableAutomaticTypeAcquisition': true,
    'typescript.tsserver.experimental.enableProjectDiagnostics': false,
    'editor.codeLens': true,
    'editor.minimap.enabled': false,
    'files.autoSave': 'off',
    'chat.commandCenter.enabled': false,
    'window.commandCenter': true,
  };
}

/** Writes <userDataDir>/User/settings.json. */
export function writeUserSettings(userDataDir, settings) {
  const dir = path.join(userDataDir, 'User');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify(settings, null, 2));
}

function codeServerEnv(configHome) {
  /** @type {NodeJS.ProcessEnv} */
  const env = { ...process.env, XDG_CONFIG_HOME: configHome };
  // code-server reads these; make sure nothing from the caller's environment leaks in
  delete env.PASSWORD;
  delete env.HASHED_PASSWORD;
  delete env.VSCODE_IPC_HOOK_CLI;
  return env;
}

/** `code-server --install-extension <vsix>`: copying a folder into the extensions dir is not enough. */
export function installExtension({ entry, vsix, extensionsDir, userDataDir, configHome }) {
  const res = spawnSync(
    process.execPath,
    [entry, '--install-extension', vsix, '--force', '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir],
    { encoding: 'utf8', env: codeServerEnv(configHome), timeout: 120_000 },
  );
  const out = `${res.stdout ?? ''}${res.stderr ?? ''}`;
  if (res.status !== 0 || !/successfully installed/i.test(out)) {
    throw new Error(`installing ${vsix} failed (exit ${res.status}):\n${out}`);
  }
  return out;
}

async function waitForHttp(url, timeoutMs, child) {
  const deadline = Date.now() + timeoutMs;
  let lastErr;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited early with code ${child.exitCode}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
      lastErr = new Error(`HTTP ${res.status}`);
    } catch (err) {
      lastErr = err;
    }
    await new Promise(r => setTimeout(r, 200));
  }
  throw new Error(`code-server did not answer ${url} within ${timeoutMs} ms: ${lastErr}`);
}

/**
 * Starts code-server serving `folder` on a free port and waits until it answers /healthz.
 * Returns { url, port, stop() }; stop() kills the whole process group.
 */
export async function startCodeServer({
  entry,
  folder,
  userDataDir,
  extensionsDir,
  configHome,
  logFile,
  disableTrust,
}) {
  const port = await freePort();
  const args = [
    entry,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--extensions-dir',
    extensionsDir,
    '--user-data-dir',
    userDataDir,
    '--ignore-last-opened',
  ];
  if (disableTrust) args.push('--disable-workspace-trust');
  args.push(folder);
  const log = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, args, {
    env: codeServerEnv(configHome),
    stdio: ['ignore', log, log],
    detached: true, // own process group, so stop() also ends the extension hosts and the runner's children
  });
  fs.closeSync(log);
  const url = `http://127.0.0.1:${port}`;
  const stop = () => stopProcessGroup(child);
  try {
    await waitForHttp(`${url}/healthz`, 60_000, child);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, port, pid: child.pid, stop, workbenchUrl: `${url}/?folder=${encodeURIComponent(folder)}` };
}

/** SIGTERM to the group, SIGKILL after 5 s. */
export function stopProcessGroup(child) {
  return new Promise(
    /** @param {(v?: void) => void} resolve */ resolve => {
      if (child.exitCode !== null || child.signalCode !== null) {
        // the leader is gone; its group may still hold children
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* none left */
        }
        resolve();
        return;
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }, 5000);
      child.once('exit', () => {
        clearTimeout(timer);
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* none left */
        }
        resolve();
      });
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        clearTimeout(timer);
        resolve();
      }
    },
  );
}
