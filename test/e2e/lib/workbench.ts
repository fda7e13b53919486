// Driving a real VS Code workbench (code-server in headless Chromium) with playwright-core.
// Selectors are those of VS Code 1.100; every wait is a wait-for on the DOM, not a fixed sleep.
import fs from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { chromium, type Browser, type Frame, type Locator, type Page } from 'playwright-core';
import { poll, sleep } from '../../shared/poll.ts';

export interface E2EEnv {
  url: string;
  workspace: string;
  userDataDir: string;
  restrictedUrl: string;
  restrictedWorkspace: string;
  restrictedUserDataDir: string;
  artifacts: string;
  chromium: string;
}

/** What scripts/e2e.mjs hands to the tests. */
export function e2eEnv(): E2EEnv {
  const need = (name: string): string => {
    const v = process.env[name];
    if (!v) throw new Error(`${name} is not set: run the e2e suite with \`npm run test:e2e\` (scripts/e2e.mjs)`);
    return v;
  };
  return {
    url: need('TL_E2E_URL'),
    workspace: need('TL_E2E_WORKSPACE'),
    userDataDir: need('TL_E2E_USER_DATA'),
    restrictedUrl: need('TL_E2E_RESTRICTED_URL'),
    restrictedWorkspace: need('TL_E2E_RESTRICTED_WORKSPACE'),
    restrictedUserDataDir: need('TL_E2E_RESTRICTED_USER_DATA'),
    artifacts: need('TL_E2E_ARTIFACTS'),
    chromium: process.env.TL_E2E_CHROMIUM || '/usr/bin/chromium',
  };
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export async function launchBrowser(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
}

export { sleep };

/** Polls `fn` until it returns a truthy value; throws with `what` (and the last value/error) on timeout. */
export const waitUntil = <T>(
  what: string,
  fn: () => Promise<T> | T,
  timeoutMs = 30_000,
  intervalMs = 200,
): Promise<NonNullable<T>> => poll(what, fn, timeoutMs, intervalMs);

export interface ChartInfo {
  chart: string;
  series: number;
  points: number;
}
export interface DashboardState {
  title: string;
  /** text of #job-file (the dashboard's heading) */
  job: string;
  status: string | null;
  charts: Record<string, ChartInfo>;
  /** vscode-light | vscode-dark | vscode-high-contrast (the class VS Code puts on the webview's body) */
  themeKind: string;
  /** --vscode-editor-background as the webview sees it */
  editorBackground: string;
  bodyColor: string;
}

export class Workbench {
  readonly consoleErrors: string[] = [];

  constructor(
    readonly page: Page,
    readonly baseUrl: string,
    readonly folder: string,
    readonly userDataDir: string,
    readonly artifacts: string,
  ) {
    page.on('console', m => {
      if (m.type() === 'error') this.consoleErrors.push(m.text());
    });
    page.on('pageerror', e => this.consoleErrors.push(`pageerror: ${e.message}`));
  }

  static async open(
    browser: Browser,
    opts: { url: string; folder: string; userDataDir: string; artifacts: string },
  ): Promise<Workbench> {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const wb = new Workbench(page, opts.url, opts.folder, opts.userDataDir, opts.artifacts);
    await wb.load();
    return wb;
  }

  get workbenchUrl(): string {
    return `${this.baseUrl}/?folder=${encodeURIComponent(this.folder)}`;
  }

  /** Loads the workbench and waits until it is interactive (workbench DOM + explorer shows the folder). */
  async load(): Promise<void> {
    await this.page.goto(this.workbenchUrl);
    await this.waitReady();
  }

  async waitReady(): Promise<void> {
    await this.page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
    // the status bar is rendered once the workbench has restored its parts
    await this.page.waitForSelector('.part.statusbar', { timeout: 60_000 });
    // the extension host is up once the remote connection indicator no longer says "Opening..."/"Connecting"
    await this.page
      .waitForSelector('.explorer-folders-view, .explorer-viewlet', { timeout: 60_000 })
      .catch(() => undefined);
  }

  /** "Developer: Reload Window" — a real window reload, new extension host. */
  async reloadWindow(): Promise<void> {
    const navigated = this.page.waitForEvent('framenavigated', {
      predicate: f => f === this.page.mainFrame(),
      timeout: 30_000,
    });
    await this.runCommand('Developer: Reload Window');
    await navigated;
    await this.page.waitForLoadState('domcontentloaded');
    await this.waitReady();
  }

  // ---------------------------------------------------------------------------------------------------- quick input
  quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  /** Throws with its text if a modal dialog (e.g. "Command ... resulted in an error") blocks the window. */
  async assertNoDialog(): Promise<void> {
    const dialog = this.page.locator('.monaco-dialog-box');
    if (await dialog.isVisible().catch(() => false)) {
      const text = (await dialog.innerText().catch(() => '')).replace(/\s+/g, ' ').trim();
      throw new Error(`a modal dialog blocks the window: ${text}`);
    }
  }

  /** Moves keyboard focus from a webview iframe (which keeps key presses to itself) back to the workbench. */
  async focusWorkbench(): Promise<void> {
    await this.page.evaluate(() => {
      const a = document.activeElement as HTMLElement | null;
      if (a && a.tagName === 'IFRAME') a.blur();
    });
  }

  async openCommandPalette(): Promise<void> {
    // the first F1 after load can be swallowed while the keybinding service starts: retry until the widget shows
    await waitUntil(
      'the command palette to open',
      async () => {
        await this.assertNoDialog();
        if (await this.quickInput().isVisible()) return true;
        await this.focusWorkbench();
        await this.page.keyboard.press('F1');
        try {
          await this.quickInput().waitFor({ state: 'visible', timeout: 2000 });
          return true;
        } catch {
          return false;
        }
      },
      30_000,
      100,
    );
  }

  /**
   * Command palette -> type the exact title -> click the row whose label is exactly that title.
   * Right after a window opens the palette can close by itself (a restored view takes focus) or list commands
   * from before the extension host registered its extensions: both are retried with a fresh palette.
   */
  async runCommand(title: string, timeoutMs = 30_000): Promise<void> {
    let opened = 0;
    await waitUntil(
      `command "${title}" in the command palette`,
      async () => {
        await this.assertNoDialog();
        if (!(await this.quickInput().isVisible()) || Date.now() - opened > 5000) {
          await this.closeQuickInput();
          await this.openCommandPalette();
          await this.quickInput().locator('input').fill(`>${title}`);
          opened = Date.now();
        }
        const rows = this.quickInput().locator('.monaco-list-row');
        const n = await rows.count();
        for (let i = 0; i < n; i++) {
          const name = (
            await rows
              .nth(i)
              .locator('.label-name')
              .first()
              .innerText()
              .catch(() => '')
          ).trim();
          if (name === title) {
            await rows.nth(i).click();
            return true;
          }
        }
        return false;
      },
      timeoutMs,
      200,
    );
  }

  /** Visible quick-pick row labels (the command palette or an extension's showQuickPick). */
  async quickItems(): Promise<string[]> {
    return this.quickInput()
      .locator(
        '.monaco-list-row .quick-input-list-rows .label-name, .monaco-list-row .quick-input-list-label .label-name',
      )
      .allInnerTexts();
  }

  /** Waits for a quick-pick row matching `label` (exact string, or a predicate/regex) and selects it. */
  async pickQuickItem(
    label: string | RegExp | ((l: string) => boolean),
    opts: { exact?: boolean; timeoutMs?: number } = {},
  ): Promise<string> {
    const match = (l: string): boolean =>
      typeof label === 'string'
        ? opts.exact
          ? l.trim() === label
          : l.includes(label)
        : label instanceof RegExp
          ? label.test(l)
          : label(l);
    const rows = this.quickInput().locator('.monaco-list-row');
    const picked = await waitUntil(
      `quick pick item ${String(label)}`,
      async () => {
        await this.assertNoDialog();
        if (!(await this.quickInput().isVisible())) return null;
        const n = await rows.count();
        for (let i = 0; i < n; i++) {
          const row = rows.nth(i);
          const text = (await row.getAttribute('aria-label')) ?? (await row.innerText());
          const name = await row
            .locator('.label-name')
            .first()
            .innerText()
            .catch(() => text);
          if (match(name) || match(text)) return { i, name };
        }
        return null;
      },
      opts.timeoutMs ?? 30_000,
    );
    await rows.nth(picked.i).click();
    return picked.name;
  }

  /** Labels of the rows currently shown in an extension's quick pick (waits until at least one shows). */
  async waitQuickPickLabels(timeoutMs = 30_000): Promise<string[]> {
    return waitUntil(
      'quick pick rows',
      async () => {
        await this.assertNoDialog();
        if (!(await this.quickInput().isVisible())) return null;
        // one label per row: the first .label-name (a row's description/detail lines have their own)
        const names = await this.quickInput()
          .locator('.monaco-list-row')
          .evaluateAll(rows =>
            rows.map(r => (r.querySelector('.label-name') as HTMLElement | null)?.innerText.trim() ?? ''),
          );
        return names.length && names.every(Boolean) ? names : null;
      },
      timeoutMs,
    );
  }

  async closeQuickInput(): Promise<void> {
    if (!(await this.quickInput().isVisible())) return;
    await this.page.keyboard.press('Escape');
    await this.quickInput()
      .waitFor({ state: 'hidden', timeout: 2000 })
      .catch(() => undefined);
  }

  // ---------------------------------------------------------------------------------------------------- editors
  /** Opens a workspace file by its relative path through Quick Open (Ctrl+P), like a user. */
  async openFile(relPath: string): Promise<void> {
    const base = path.basename(relPath);
    const dir = path.dirname(relPath);
    let opened = 0;
    await waitUntil(
      `${relPath} in Quick Open`,
      async () => {
        await this.assertNoDialog();
        if (!(await this.quickInput().isVisible()) || Date.now() - opened > 5000) {
          await this.closeQuickInput();
          await this.openCommandPalette();
          await this.quickInput().locator('input').fill(relPath);
          opened = Date.now();
        }
        const rows = this.quickInput().locator('.monaco-list-row');
        const n = await rows.count();
        for (let i = 0; i < n; i++) {
          const label = (await rows.nth(i).getAttribute('aria-label')) ?? '';
          const name = (
            await rows
              .nth(i)
              .locator('.label-name')
              .first()
              .innerText()
              .catch(() => '')
          ).trim();
          if (name === base && (dir === '.' || label.includes(dir))) {
            await rows.nth(i).click();
            return true;
          }
        }
        return false;
      },
      30_000,
      200,
    );
    await this.page
      .locator(`.tabs-container .tab[data-resource-name="${base}"], .tabs-container .tab[aria-label^="${base}"]`)
      .first()
      .waitFor({ timeout: 30_000 });
    await this.page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor({ timeout: 30_000 });
  }

  /** Code lens titles currently rendered in the visible editor. */
  async codeLensTitles(): Promise<string[]> {
    return this.page.locator('.monaco-editor .codelens-decoration a').allInnerTexts();
  }

  // ---------------------------------------------------------------------------------------------------- notifications
  /** Texts of the notification toasts and of the notification center. */
  async notifications(): Promise<string[]> {
    return this.page.locator('.notification-list-item .notification-list-item-message').allInnerTexts();
  }

  async waitForNotification(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
    return waitUntil(
      `a notification matching ${pattern}`,
      async () => (await this.notifications()).find(t => pattern.test(t)) ?? null,
      timeoutMs,
    );
  }

  async clearNotifications(): Promise<void> {
    await this.runCommand('Notifications: Clear All Notifications').catch(() => undefined);
  }

  // ---------------------------------------------------------------------------------------------------- status bar
  /** Texts of status bar entries contributed by Training Lens (their element id starts with the extension id). */
  async trainingLensStatusItems(): Promise<string[]> {
    return this.page
      .locator('.part.statusbar .statusbar-item[id^="training-lens.training-lens"]:not(.hidden)')
      .evaluateAll(els =>
        els.filter(e => (e as HTMLElement).offsetParent !== null).map(e => (e as HTMLElement).innerText.trim()),
      );
  }

  async statusBarText(): Promise<string> {
    return this.page.locator('.part.statusbar').innerText();
  }

  // ---------------------------------------------------------------------------------------------------- output channel
  /**
   * The text of an output channel. VS Code writes every output channel to
   * <user-data-dir>/logs/<session>/exthost<N>/output_logging_<ts>/<n>-<name>.log (or <extId>/<name>.log for log
   * channels), which is exactly what the Output view shows; reading the file avoids scraping a virtualised editor.
   */
  outputChannelText(name: string): string {
    const root = path.join(this.userDataDir, 'logs');
    const files: string[] = [];
    const walk = (dir: string) => {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (
          e.name === `${name}.log` ||
          new RegExp(`^\\d+-${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.log$`).test(e.name)
        )
          files.push(p);
      }
    };
    walk(root);
    files.sort((a, b) => fs.statSync(a).mtimeMs - fs.statSync(b).mtimeMs);
    return files.map(f => fs.readFileSync(f, 'utf8')).join('\n');
  }

  /** The text the Output view shows on screen (Monaco renders spaces as no-break spaces: normalised here). */
  async visibleOutputText(): Promise<string> {
    const texts = await this.page.locator('.part.panel .monaco-editor .view-lines').allInnerTexts();
    return texts.join('\n').replace(/\u00a0/g, ' ');
  }

  /** Shows an output channel in the Output view (View: Toggle Output + pick the channel in the dropdown). */
  async showOutputChannel(name: string): Promise<void> {
    await this.runCommand('Output: Show Output Channels...');
    await this.pickQuickItem(name, { exact: true });
    await this.page.locator('.panel .output-view, .part.panel .monaco-editor').first().waitFor({ timeout: 15_000 });
  }

  // ---------------------------------------------------------------------------------------------------- webviews
  /** Frames that hold a Training Lens dashboard (webview content lives in a nested fake.html frame). */
  dashboardFrames(): Frame[] {
    return this.page
      .frames()
      .filter(f => /\/webview\/browser\/pre\/fake\.html/.test(f.url()) || /fake\.html/.test(f.url()));
  }

  /** The dashboard state of one frame, or null when the frame holds no dashboard (or went away). */
  async frameState(f: Frame): Promise<DashboardState | null> {
    try {
      return await f.evaluate(() => {
        const charts: Record<string, { chart: string; series: number; points: number }> = {};
        for (const el of Array.from(document.querySelectorAll<HTMLElement>('section.chart[data-chart]'))) {
          const chart = el.dataset.chart ?? '';
          charts[chart] = { chart, series: Number(el.dataset.series ?? 0), points: Number(el.dataset.points ?? 0) };
        }
        const status = document.querySelector('#run-status');
        if (!status && Object.keys(charts).length === 0) return null;
        return {
          title: document.title,
          job: (document.querySelector('#job-file')?.textContent ?? '').trim(),
          status: status ? (status.textContent ?? '').trim() : null,
          charts,
          themeKind: Array.from(document.body.classList).find(c => /^vscode-(light|dark|high-contrast)/.test(c)) ?? '',
          editorBackground: getComputedStyle(document.documentElement)
            .getPropertyValue('--vscode-editor-background')
            .trim(),
          bodyColor: getComputedStyle(document.body).color,
        };
      });
    } catch {
      return null; // frame detached while we read it
    }
  }

  /** Reads the state of every frame that holds a dashboard (`#run-status` or chart sections). */
  async dashboards(): Promise<DashboardState[]> {
    const states = await Promise.all(this.dashboardFrames().map(f => this.frameState(f)));
    return states.filter((s): s is DashboardState => s !== null);
  }

  /** Waits until some dashboard frame satisfies `pred` and returns its state. */
  async waitForDashboard(
    what: string,
    pred: (s: DashboardState) => boolean,
    timeoutMs = 60_000,
  ): Promise<DashboardState> {
    return waitUntil(what, async () => (await this.dashboards()).find(pred) ?? null, timeoutMs, 250);
  }

  /** The frame of a dashboard satisfying `pred` (for frame-level checks). */
  async dashboardFrame(pred: (s: DashboardState) => boolean = () => true, timeoutMs = 60_000): Promise<Frame> {
    return waitUntil(
      'a dashboard frame',
      async () => {
        for (const f of this.dashboardFrames()) {
          const s = await this.frameState(f);
          if (s && pred(s)) return f;
        }
        return null;
      },
      timeoutMs,
    );
  }

  /** Titles of the editor tabs. */
  async tabTitles(): Promise<string[]> {
    return this.page
      .locator('.tabs-container .tab')
      .evaluateAll(els => els.map(e => e.getAttribute('aria-label') ?? (e as HTMLElement).innerText.trim()));
  }

  /** Resolves after the webview in `frame` has painted twice (chart.js redraws on the next animation frame). */
  async afterPaint(frame: Frame): Promise<void> {
    await frame.evaluate(() => new Promise<void>(r => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
  }

  // ---------------------------------------------------------------------------------------------------- themes
  async setColorTheme(label: string): Promise<void> {
    await this.runCommand('Preferences: Color Theme');
    // the list is virtualised: filter it so that the row exists (the high contrast themes are at the bottom)
    await this.quickInput().locator('input').fill(label);
    await this.pickQuickItem(label, { exact: true });
    await waitUntil(
      `theme ${label} to apply`,
      async () => {
        const cls = (await this.page.locator('.monaco-workbench').getAttribute('class')) ?? '';
        // high contrast themes: hc-black / hc-light on the workbench
        if (/high contrast/i.test(label))
          return /light/i.test(label) ? /\bhc-light\b/.test(cls) : /\bhc-black\b/.test(cls);
        return label.toLowerCase().includes('light')
          ? cls.includes('vs ') || /\bvs\b/.test(cls)
          : /\bvs-dark\b/.test(cls);
      },
      15_000,
    );
  }

  // ---------------------------------------------------------------------------------------------------- artifacts
  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(this.artifacts, { recursive: true });
    const file = path.join(this.artifacts, `${name.replace(/[^\w.-]+/g, '_')}.png`);
    await this.page.screenshot({ path: file, fullPage: false, timeout: 15_000 }).catch(() => undefined);
    return file;
  }
}

/**
 * Runs `fn` with a fresh page on the given code-server instance; on failure saves a screenshot and the page's
 * console errors in the artifacts folder, then rethrows. Always closes the page.
 */
export async function withWorkbench(
  t: TestContext,
  browser: Browser,
  opts: { url: string; folder: string; userDataDir: string; artifacts: string },
  fn: (wb: Workbench) => Promise<void>,
): Promise<void> {
  const wb = await Workbench.open(browser, opts);
  try {
    await fn(wb);
  } catch (err) {
    const shot = await wb.screenshot(`FAILED-${t.name}`);
    fs.writeFileSync(shot.replace(/\.png$/, '.console.txt'), wb.consoleErrors.join('\n'));
    t.diagnostic(`screenshot: ${shot}`);
    throw err;
  } finally {
    await wb.page.close().catch(() => undefined);
  }
}
