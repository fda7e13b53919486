/**
 * Headless-Chromium harness for the dashboard webview: a tiny 127.0.0.1 server for the production HTML (real CSP,
 * real nonce) and the built bundle, a stub `acquireVsCodeApi`, VS Code-like theme variables, and helpers to
 * deliver host messages the way VS Code does (a `message` event on the webview's window).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { after, before } from 'node:test';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import { parseEvent, type HostToWebview, type RunEvent } from '../../src/protocol';
import { makeNonce, renderWebviewHtml } from '../../src/webviewPage/html';
import { buildWebview, repoRoot } from './build-webview';

export const CHROMIUM = '/usr/bin/chromium';

export function ensureChromium(): string {
  if (!existsSync(CHROMIUM)) {
    execFileSync('bash', [path.join(repoRoot, 'scripts', 'ensure-chromium.sh')], { stdio: 'inherit' });
  }
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is still missing after scripts/ensure-chromium.sh`);
  return CHROMIUM;
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: ensureChromium(),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** The fixture run log: `recorded` (a real run) when present, else `synthetic`; TL_WEBVIEW_FIXTURE=<name> picks one. */
export function fixtureLog(): { name: string; file: string; events: RunEvent[] } {
  const names = process.env.TL_WEBVIEW_FIXTURE ? [process.env.TL_WEBVIEW_FIXTURE] : ['recorded', 'synthetic'];
  for (const name of names) {
    const file = path.join(repoRoot, 'test', 'fixtures', 'runs', name, 'events.ndjson');
    if (!existsSync(file)) continue;
    const events: RunEvent[] = [];
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (!line.trim()) return;
        const r = parseEvent(line);
        if (!r.ok) throw new Error(`${file}:${i + 1}: ${r.reason}`);
        events.push(r.value);
      });
    return { name, file, events };
  }
  throw new Error(`no fixture run log test/fixtures/runs/{${names.join(',')}}/events.ndjson`);
}

export interface Served {
  origin: string;
  requests: string[];
  close(): Promise<void>;
}

/**
 * The hooks of a suite of dashboard pages: before it, the webview is built (as the VSIX build does), served and a
 * Chromium started; after it, all is closed and removed. `open` opens a page in that browser.
 */
export function dashboardSuite(tmpPrefix: string): {
  open(theme?: keyof typeof THEMES, state?: unknown): Promise<DashboardPage>;
  requests(): string[];
} {
  let outdir = '';
  let served: Served | undefined;
  let browser: Browser | undefined;
  before(async () => {
    outdir = mkdtempSync(path.join(os.tmpdir(), tmpPrefix));
    await buildWebview(outdir);
    served = await serveDashboard(outdir);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await served?.close();
    if (outdir) rmSync(outdir, { recursive: true, force: true });
  });
  return {
    open: (theme = 'dark', state) => openDashboard(browser!, served!.origin, theme, state),
    requests: () => served!.requests,
  };
}

/** Serves the dashboard: `/` = its HTML (fresh nonce per request), `/dist/webview.{js,css}` from `distDir`. */
export function serveDashboard(distDir: string): Promise<Served> {
  return serveWebview(distDir, { script: 'webview.js', style: 'webview.css', title: 'Training Lens — test' });
}

/** Serves one webview page as VS Code would: `/` = its HTML under the production CSP, `/dist/<script|style>[.map]`. */
export async function serveWebview(
  distDir: string,
  page: { script: string; style: string; title: string },
): Promise<Served> {
  const files = new Set([page.script, page.style, `${page.script}.map`]);
  const requests: string[] = [];
  let origin = '';
  const types: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    requests.push(url.pathname);
    if (url.pathname === '/' || url.pathname === '/index.html') {
      const html = renderWebviewHtml({
        cspSource: origin,
        nonce: makeNonce(),
        scriptUri: `${origin}/dist/${page.script}`,
        styleUri: `${origin}/dist/${page.style}`,
        title: page.title,
      });
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(html);
      return;
    }
    const name = url.pathname.startsWith('/dist/') ? url.pathname.slice('/dist/'.length) : '';
    if (files.has(name)) {
      const file = path.join(distDir, name);
      if (existsSync(file)) {
        res.writeHead(200, {
          'content-type': types[path.extname(file)] ?? 'application/octet-stream',
          'cache-control': 'no-store',
        });
        res.end(readFileSync(file));
        return;
      }
    }
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204);
      res.end();
      return;
    }
    res.writeHead(404);
    res.end('not found');
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    requests,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * VS Code "Dark Modern" / "Light Modern" / "Dark High Contrast" values for the variables the webviews (and the
 * @vscode-elements components they use) read. High contrast, like VS Code, sets no `--vscode-button-background`.
 */
export const THEMES: Record<'dark' | 'light' | 'highContrast', { bodyClass: string; vars: Record<string, string> }> = {
  dark: {
    bodyClass: 'vscode-dark',
    vars: {
      '--vscode-foreground': '#cccccc',
      '--vscode-descriptionForeground': '#9d9d9d',
      '--vscode-editor-background': '#1f1f1f',
      '--vscode-sideBar-background': '#181818',
      '--vscode-editorWidget-border': '#313131',
      '--vscode-charts-foreground': '#cccccc',
      '--vscode-charts-lines': 'rgba(204, 204, 204, 0.5)',
      '--vscode-charts-red': '#f14c4c',
      '--vscode-charts-blue': '#3794ff',
      '--vscode-charts-yellow': '#cca700',
      '--vscode-charts-orange': '#d18616',
      '--vscode-charts-green': '#89d185',
      '--vscode-charts-purple': '#b180d7',
      '--vscode-font-family': '"DejaVu Sans", system-ui, sans-serif',
      '--vscode-font-size': '13px',
      '--vscode-editor-font-family': '"DejaVu Sans Mono", monospace',
      '--vscode-textLink-foreground': '#4daafc',
      '--vscode-errorForeground': '#f85149',
      '--vscode-editorWarning-foreground': '#cca700',
      '--vscode-focusBorder': '#0078d4',
      '--vscode-button-secondaryBackground': '#313131',
      '--vscode-button-secondaryForeground': '#cccccc',
      '--vscode-button-background': '#0078d4',
      '--vscode-button-foreground': '#ffffff',
      '--vscode-button-hoverBackground': '#026ec1',
      '--vscode-button-border': '#ffffff12',
      '--vscode-button-secondaryHoverBackground': '#3c3c3c',
      '--vscode-input-background': '#313131',
      '--vscode-input-foreground': '#cccccc',
      '--vscode-input-border': '#3c3c3c',
      '--vscode-checkbox-background': '#313131',
      '--vscode-checkbox-border': '#3c3c3c',
      '--vscode-checkbox-foreground': '#cccccc',
      '--vscode-settings-checkboxBackground': '#313131',
      '--vscode-settings-checkboxBorder': '#3c3c3c',
      '--vscode-settings-checkboxForeground': '#cccccc',
      '--vscode-dropdown-background': '#313131',
      '--vscode-dropdown-border': '#3c3c3c',
      '--vscode-dropdown-foreground': '#cccccc',
      '--vscode-settings-textInputBackground': '#313131',
      '--vscode-settings-textInputForeground': '#cccccc',
      '--vscode-settings-textInputBorder': '#3c3c3c',
      '--vscode-settings-dropdownBackground': '#313131',
      '--vscode-settings-dropdownForeground': '#cccccc',
      '--vscode-settings-dropdownBorder': '#3c3c3c',
    },
  },
  light: {
    bodyClass: 'vscode-light',
    vars: {
      '--vscode-foreground': '#3b3b3b',
      '--vscode-descriptionForeground': '#717171',
      '--vscode-editor-background': '#ffffff',
      '--vscode-sideBar-background': '#f8f8f8',
      '--vscode-editorWidget-border': '#c8c8c8',
      '--vscode-charts-foreground': '#616161',
      '--vscode-charts-lines': 'rgba(97, 97, 97, 0.5)',
      '--vscode-charts-red': '#e51400',
      '--vscode-charts-blue': '#1a85ff',
      '--vscode-charts-yellow': '#bf8803',
      '--vscode-charts-orange': '#d18616',
      '--vscode-charts-green': '#388a34',
      '--vscode-charts-purple': '#652d90',
      '--vscode-font-family': '"DejaVu Sans", system-ui, sans-serif',
      '--vscode-font-size': '13px',
      '--vscode-editor-font-family': '"DejaVu Sans Mono", monospace',
      '--vscode-textLink-foreground': '#005fb8',
      '--vscode-errorForeground': '#f85149',
      '--vscode-editorWarning-foreground': '#bf8803',
      '--vscode-focusBorder': '#005fb8',
      '--vscode-button-secondaryBackground': '#e5e5e5',
      '--vscode-button-secondaryForeground': '#3b3b3b',
      '--vscode-button-background': '#005fb8',
      '--vscode-button-foreground': '#ffffff',
      '--vscode-button-hoverBackground': '#0258a8',
      '--vscode-button-border': '#0000001a',
      '--vscode-button-secondaryHoverBackground': '#cccccc',
      '--vscode-input-background': '#ffffff',
      '--vscode-input-foreground': '#3b3b3b',
      '--vscode-input-border': '#cecece',
      '--vscode-checkbox-background': '#f8f8f8',
      '--vscode-checkbox-border': '#cecece',
      '--vscode-checkbox-foreground': '#3b3b3b',
      '--vscode-settings-checkboxBackground': '#f8f8f8',
      '--vscode-settings-checkboxBorder': '#cecece',
      '--vscode-settings-checkboxForeground': '#3b3b3b',
      '--vscode-dropdown-background': '#ffffff',
      '--vscode-dropdown-border': '#cecece',
      '--vscode-dropdown-foreground': '#3b3b3b',
      '--vscode-settings-textInputBackground': '#ffffff',
      '--vscode-settings-textInputForeground': '#3b3b3b',
      '--vscode-settings-textInputBorder': '#cecece',
      '--vscode-settings-dropdownBackground': '#ffffff',
      '--vscode-settings-dropdownForeground': '#3b3b3b',
      '--vscode-settings-dropdownBorder': '#cecece',
    },
  },
  highContrast: {
    bodyClass: 'vscode-high-contrast',
    vars: {
      '--vscode-foreground': '#ffffff',
      '--vscode-descriptionForeground': '#ffffff',
      '--vscode-editor-background': '#000000',
      '--vscode-sideBar-background': '#000000',
      '--vscode-editorWidget-border': '#6fc3df',
      '--vscode-contrastBorder': '#6fc3df',
      '--vscode-contrastActiveBorder': '#f38518',
      '--vscode-charts-foreground': '#ffffff',
      '--vscode-charts-lines': 'rgba(255, 255, 255, 0.5)',
      '--vscode-charts-red': '#f48771',
      '--vscode-charts-blue': '#3794ff',
      '--vscode-charts-yellow': '#ffd370',
      '--vscode-charts-orange': '#d18616',
      '--vscode-charts-green': '#89d185',
      '--vscode-charts-purple': '#b180d7',
      '--vscode-font-family': '"DejaVu Sans", system-ui, sans-serif',
      '--vscode-font-size': '13px',
      '--vscode-editor-font-family': '"DejaVu Sans Mono", monospace',
      '--vscode-textLink-foreground': '#21a6ff',
      '--vscode-errorForeground': '#f48771',
      '--vscode-editorWarning-foreground': '#ff0000',
      '--vscode-focusBorder': '#f38518',
      '--vscode-button-foreground': '#ffffff',
      '--vscode-button-border': '#6fc3df',
      '--vscode-button-secondaryForeground': '#ffffff',
      '--vscode-button-secondaryBackground': '#000000',
      '--vscode-input-background': '#000000',
      '--vscode-input-foreground': '#ffffff',
      '--vscode-input-border': '#6fc3df',
      '--vscode-checkbox-background': '#000000',
      '--vscode-checkbox-border': '#6fc3df',
      '--vscode-checkbox-foreground': '#ffffff',
      '--vscode-settings-checkboxBackground': '#000000',
      '--vscode-settings-checkboxBorder': '#6fc3df',
      '--vscode-settings-checkboxForeground': '#ffffff',
      '--vscode-dropdown-background': '#000000',
      '--vscode-dropdown-border': '#6fc3df',
      '--vscode-dropdown-foreground': '#ffffff',
      '--vscode-settings-textInputBackground': '#000000',
      '--vscode-settings-textInputForeground': '#ffffff',
      '--vscode-settings-textInputBorder': '#6fc3df',
      '--vscode-settings-dropdownBackground': '#000000',
      '--vscode-settings-dropdownForeground': '#ffffff',
      '--vscode-settings-dropdownBorder': '#6fc3df',
    },
  },
};

declare global {
  interface Window {
    __posted: unknown[];
    __state: unknown;
    __csp: string[];
    __host(msg: unknown): Promise<void>;
    __setTheme(theme: { bodyClass: string; vars: Record<string, string> }): void;
  }
}

/**
 * Runs in the page before any of its scripts (not subject to the page's CSP). Plain JS in a string: functions
 * compiled by tsx carry `__name(...)` helpers that do not exist in the page.
 */
function initScript(theme: { bodyClass: string; vars: Record<string, string> }, state?: unknown): string {
  return `(() => {
  window.__posted = [];
  window.__state = ${state === undefined ? 'undefined' : JSON.stringify(state)};
  window.__csp = [];
  let acquired = 0;
  window.acquireVsCodeApi = () => {
    if (acquired++) throw new Error('acquireVsCodeApi may only be called once');
    return {
      postMessage: (m) => { window.__posted.push(JSON.parse(JSON.stringify(m))); },
      getState: () => window.__state,
      setState: (s) => { window.__state = JSON.parse(JSON.stringify(s)); return s; },
    };
  };
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__csp.push(e.violatedDirective + ' blocked=' + e.blockedURI + ' at ' + e.sourceFile + ':' + e.lineNumber);
  });
  // like VS Code: variables on <html>, theme kind as a class on <body>
  window.__setTheme = (t) => {
    const root = document.documentElement;
    // VS Code replaces the whole set: a variable the new theme leaves undefined is gone
    for (const k of [...root.style].filter(k => k.startsWith('--vscode-'))) root.style.removeProperty(k);
    for (const [k, v] of Object.entries(t.vars)) root.style.setProperty(k, v);
    document.body.classList.remove('vscode-dark', 'vscode-light', 'vscode-high-contrast', 'vscode-high-contrast-light');
    document.body.classList.add(t.bodyClass);
  };
  const theme = ${JSON.stringify(theme)};
  const apply = () => {
    if (!document.body) return false;
    window.__setTheme(theme);
    return true;
  };
  if (!apply()) {
    const mo = new MutationObserver(() => { if (apply()) mo.disconnect(); });
    mo.observe(document, { childList: true, subtree: true });
  }
  // delivers a host message as VS Code does; resolves after the dashboard has had two frames to render
  window.__host = (msg) => new Promise((resolve) => {
    window.addEventListener('message', () => {
      setTimeout(() => requestAnimationFrame(() => requestAnimationFrame(() => resolve())), 0);
    }, { once: true });
    window.postMessage(msg, '*');
  });
})();`;
}

export interface DashboardPage {
  page: Page;
  consoleErrors: string[];
  pageErrors: string[];
  foreignRequests: string[];
  host(msg: HostToWebview | Record<string, unknown>): Promise<void>;
  posted(): Promise<Array<{ type: string; [k: string]: unknown }>>;
  cspViolations(): Promise<string[]>;
}

/** `state`: what `vscode.getState()` returns on load (a reloaded webview's saved state). */
export async function openDashboard(
  browser: Browser,
  origin: string,
  theme: keyof typeof THEMES = 'dark',
  state?: unknown,
): Promise<DashboardPage> {
  const page = await browser.newPage({
    viewport: { width: 1400, height: 1000 },
    deviceScaleFactor: 1,
    acceptDownloads: true,
  });
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  const foreignRequests: string[] = [];
  page.on('console', m => {
    if (m.type() === 'error' || /Content.Security.Policy/i.test(m.text()))
      consoleErrors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', e => pageErrors.push(String(e)));
  page.on('request', r => {
    if (!r.url().startsWith(origin + '/') && !r.url().startsWith('data:')) foreignRequests.push(r.url());
  });
  await page.addInitScript({ content: initScript(THEMES[theme], state) });
  await page.goto(origin + '/', { waitUntil: 'load' });
  return {
    page,
    consoleErrors,
    pageErrors,
    foreignRequests,
    host: msg => page.evaluate(m => window.__host(m), msg as unknown),
    posted: () => page.evaluate(() => window.__posted as Array<{ type: string; [k: string]: unknown }>),
    cspViolations: () => page.evaluate(() => window.__csp),
  };
}

export interface SectionInfo {
  id: string;
  title: string;
  series: number;
  points: number;
  nonFinite: number;
  /** canvas pixels inside the plot area (`data-plot`, +4px) with a saturated colour: data, not grey axes/text/legend */
  colouredPixels: number;
  /** every non-transparent canvas pixel */
  paintedPixels: number;
  width: number;
  height: number;
}

export async function readSections(page: Page): Promise<SectionInfo[]> {
  await settled(page);
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('section.chart')].map(s => {
      const canvas = s.querySelector('canvas');
      let coloured = 0;
      let painted = 0;
      let width = 0;
      let height = 0;
      if (canvas && canvas.width > 0 && canvas.height > 0) {
        width = canvas.width;
        height = canvas.height;
        const d = canvas.getContext('2d')!.getImageData(0, 0, width, height).data;
        const scale = width / (canvas.clientWidth || width);
        const plot = (s.dataset.plot ?? '').split(',').map(Number);
        const [left, top, right, bottom] =
          plot.length === 4 ? plot.map((v, k) => (v + (k < 2 ? -4 : 4)) * scale) : [0, 0, 0, 0];
        for (let i = 0; i < d.length; i += 4) {
          if (d[i + 3] === 0) continue;
          painted++;
          const x = (i / 4) % width;
          const y = Math.floor(i / 4 / width);
          if (x < left || x > right || y < top || y > bottom) continue;
          const max = Math.max(d[i], d[i + 1], d[i + 2]);
          const min = Math.min(d[i], d[i + 1], d[i + 2]);
          if (d[i + 3] > 128 && max - min > 50) coloured++;
        }
      }
      return {
        id: s.dataset.chart ?? '',
        title: s.querySelector('h2')?.textContent ?? '',
        series: Number(s.dataset.series ?? NaN),
        points: Number(s.dataset.points ?? NaN),
        nonFinite: Number(s.dataset.nonfinite ?? NaN),
        colouredPixels: coloured,
        paintedPixels: painted,
        width,
        height,
      };
    }),
  );
}

/**
 * Waits until every message is handled and every chart and heatmap drawn: the dashboard handles a long replay
 * between frames (body[data-queued]) and draws changed charts over a few frames, those in view first, within a
 * per-frame budget (body[data-charts-pending] / [data-hist-pending]).
 */
export async function settled(page: Page, timeoutMs = 10_000): Promise<void> {
  // first let a render the last action scheduled (next animation frame) run: the counters below are the last render's
  await page.evaluate(
    () => new Promise<void>(resolve => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))),
  );
  await page.waitForFunction(
    () => {
      const d = document.body.dataset;
      return (d.queued ?? '0') === '0' && (d.chartsPending ?? '0') === '0' && (d.histPending ?? '0') === '0';
    },
    undefined,
    { timeout: timeoutMs, polling: 'raf' },
  );
}

export interface VscodeElementInfo {
  /** lower-case tag name, e.g. `vscode-button` */
  tag: string;
  /** the tag is registered and the element is an instance of the registered class (upgraded, not a bare unknown element) */
  defined: boolean;
  /** constructable stylesheets in its shadow root (Lit's way under a strict CSP: no <style> needed) */
  adoptedSheets: number;
  /** <style> elements in its shadow root (would need 'unsafe-inline' or a nonce) */
  styleElements: number;
  /** computed colours of `part` inside the shadow root (the element itself when `part` is omitted) */
  color: string;
  background: string;
  borderColor: string;
}

/** What a @vscode-elements component at `selector` is and how it is painted (its shadow part `part`, e.g. `.base`). */
export async function vscodeElement(page: Page | Frame, selector: string, part?: string): Promise<VscodeElementInfo> {
  return page.$eval(
    selector,
    (e, part) => {
      const tag = e.tagName.toLowerCase();
      const ctor = customElements.get(tag);
      const root = e.shadowRoot;
      const target = (part ? root?.querySelector(part) : e) ?? e;
      const cs = getComputedStyle(target);
      return {
        tag,
        defined: !!ctor && e instanceof ctor,
        adoptedSheets: root?.adoptedStyleSheets.length ?? 0,
        styleElements: root?.querySelectorAll('style').length ?? 0,
        color: cs.color,
        background: cs.backgroundColor,
        borderColor: cs.borderTopColor,
      };
    },
    part,
  );
}

/** WCAG 2 contrast ratio of two CSS `rgb()`/`rgba()` colours (alpha ignored: both are opaque where it matters). */
export function contrastRatio(a: string, b: string): number {
  const lum = (c: string): number => {
    const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)/.exec(c);
    if (!m) throw new Error(`contrastRatio: not an rgb() colour: ${c}`);
    const [r, g, bl] = [m[1], m[2], m[3]].map(v => {
      const s = Number(v) / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

/**
 * Picks `value` in the vscode-single-select at `selector` as a user does: click it open, click the option (the
 * list is in the component's open shadow root; Playwright's CSS pierces it). `selectOption` needs a native <select>.
 */
export async function pickOption(page: Page | Frame, selector: string, value: string): Promise<void> {
  const index = await page.$$eval(
    `${selector} vscode-option`,
    (opts, v) => opts.findIndex(o => (o as HTMLElement & { value: string }).value === v),
    value,
  );
  if (index < 0) throw new Error(`pickOption: no option ${JSON.stringify(value)} in ${selector}`);
  await page.click(selector);
  await page.click(`${selector} li.option[data-index="${index}"]`);
}

/** A theme's `#rrggbb` / `#rrggbbaa` as getComputedStyle writes it (`rgb(…)` / `rgba(…)`). */
export function cssRgb(hex: string | undefined): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})?$/i.exec(hex ?? '');
  if (!m) throw new Error(`cssRgb: not a #rrggbb(aa) colour: ${hex}`);
  const [r, g, b] = [m[1], m[2], m[3]].map(x => parseInt(x, 16));
  if (m[4] === undefined || m[4].toLowerCase() === 'ff') return `rgb(${r}, ${g}, ${b})`;
  return `rgba(${r}, ${g}, ${b}, ${Math.round((parseInt(m[4], 16) / 255) * 1000) / 1000})`;
}
