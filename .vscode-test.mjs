// @vscode/test-cli configuration for the API-level suite (test/vscode). Use `npm run test:vscode`, which compiles
// the suite, copies the fixture workspace, finds VS Code (VSCODE_EXECUTABLE, a cached download in .vscode-test/, or
// a download) and skips with one line when none can be had. Running `vscode-test` directly also works after
// `npm run build` and `npm run test:vscode` (for the compiled files).
import { defineConfig } from '@vscode/test-cli';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.dirname(new URL(import.meta.url).pathname);
const out = process.env.TL_VSCODE_TESTS_OUT ?? path.join(root, 'node_modules/.cache/training-lens/vscode-tests');

function workspace() {
  if (process.env.TL_VSCODE_WORKSPACE) return process.env.TL_VSCODE_WORKSPACE;
  // never let the suite write runs into the repository's fixture: train in a temp copy
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-vscode-ws-'));
  fs.cpSync(path.join(root, 'test/fixtures/e2e-workspace'), dir, { recursive: true });
  return dir;
}

const profile = process.env.TL_VSCODE_PROFILE ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tl-vscode-profile-'));

export default defineConfig({
  tests: [
    {
      label: 'api',
      files: `${out}/**/*.test.js`,
      workspaceFolder: workspace(),
      extensionDevelopmentPath: root,
      ...(process.env.VSCODE_EXECUTABLE ? { useInstallation: { fromPath: process.env.VSCODE_EXECUTABLE } } : {}),
      launchArgs: [
        '--disable-gpu',
        '--disable-extensions', // other installed extensions; the one under development still loads
        `--user-data-dir=${path.join(profile, 'user-data')}`,
        `--extensions-dir=${path.join(profile, 'extensions')}`,
      ],
      mocha: { ui: 'tdd', timeout: 120_000, color: false },
    },
  ],
});
