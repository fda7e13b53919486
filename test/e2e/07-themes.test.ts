// Scenario 7: the dashboard in light, dark and both high contrast themes: screenshots in test-artifacts/, and in each
// theme the chart is redrawn in that theme's colours (line colour pixels on the canvas), legibly (contrast ratios).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import type { Frame } from 'playwright-core';
import { withWorkbench } from './lib/workbench.ts';
import {
  CMD,
  env,
  readRun,
  runIds,
  trainViaPalette,
  trustedWindow,
  useBrowser,
  waitForNewRun,
  waitForRunEnd,
} from './lib/training.ts';

const browser = useBrowser();

interface ThemeLook {
  /** our theme kind (html[data-theme]) */
  kind: string;
  background: string;
  foreground: string;
  /** the loss chart's per-batch line colour (its legend swatch) */
  line: string;
  /** loss-chart canvas pixels close to that colour: the chart was redrawn in it */
  linePixels: number;
}

/** [r, g, b] of #rgb, #rrggbb[aa] or rgb[a](); null for anything else. */
function rgb(c: string): [number, number, number] | null {
  const s = c.trim();
  let m = /^#([0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/i.exec(s);
  if (m) {
    const h =
      m[1].length === 3
        ? m[1]
            .split('')
            .map(x => x + x)
            .join('')
        : m[1];
    return [0, 2, 4].map(i => parseInt(h.slice(i, i + 2), 16)) as [number, number, number];
  }
  m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/i.exec(s);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

/** WCAG 2 contrast ratio. */
function contrast(a: string, b: string): number {
  const lum = (c: string): number => {
    const v = rgb(c);
    assert.ok(v, `a parseable colour: ${c}`);
    const [r, g, bl] = v.map(x => {
      const s = x / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

async function look(f: Frame): Promise<ThemeLook> {
  return f.evaluate(() => {
    const root = getComputedStyle(document.documentElement);
    const swatch = document.querySelector<HTMLElement>('section.chart[data-chart="loss"] .series-toggle .swatch');
    const line = swatch?.dataset.color ?? '';
    const canvas = document.querySelector<HTMLCanvasElement>('section.chart[data-chart="loss"] canvas');
    let linePixels = 0;
    const m = /^#([0-9a-f]{6})/i.exec(line) ?? null;
    const rgbm = /rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/.exec(line);
    const want = m
      ? [0, 2, 4].map(i => parseInt(m[1].slice(i, i + 2), 16))
      : rgbm
        ? [1, 2, 3].map(i => Number(rgbm[i]))
        : null;
    if (canvas && want && canvas.width > 0) {
      const d = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 0; i < d.length; i += 4) {
        if (
          d[i + 3] > 200 &&
          Math.abs(d[i] - want[0]) < 6 &&
          Math.abs(d[i + 1] - want[1]) < 6 &&
          Math.abs(d[i + 2] - want[2]) < 6
        )
          linePixels++;
      }
    }
    return {
      kind: document.documentElement.dataset.theme ?? '',
      background: root.getPropertyValue('--vscode-editor-background').trim(),
      foreground: getComputedStyle(document.body).color,
      line,
      linePixels,
    };
  });
}

test('7. dashboard in light, dark and high contrast themes (screenshots in test-artifacts/)', async t => {
  await withWorkbench(t, browser(), trustedWindow(), async wb => {
    // a finished run with data: reuse one on disk, or train the short job
    const finished = runIds(env.workspace)
      .map(id => readRun(env.workspace, id))
      .filter(r => r.end?.status === 'ok');
    if (finished.length === 0) {
      const before = runIds(env.workspace);
      await trainViaPalette(wb, 'jobs/short.ts');
      await waitForRunEnd(env.workspace, await waitForNewRun(env.workspace, before), 120_000);
    } else {
      await wb.runCommand(CMD.openDashboard);
      const labels = await wb.waitQuickPickLabels();
      await wb.pickQuickItem(labels.find(l => / · ok$/.test(l)) ?? labels[0], { exact: true });
    }
    await wb.waitForDashboard(
      'a dashboard with data',
      s => (s.charts.loss?.points ?? 0) > 0 && s.status !== 'running',
      60_000,
    );

    const looks: Record<string, ThemeLook & { file: string }> = {};
    for (const [name, theme, kind] of [
      ['light', 'Light Modern', 'light'],
      ['dark', 'Dark Modern', 'dark'],
      ['high-contrast', 'Dark High Contrast', 'high-contrast'],
      ['high-contrast-light', 'Light High Contrast', 'high-contrast-light'],
    ] as const) {
      await wb.setColorTheme(theme);
      // the webview re-reads the --vscode-* variables on the theme change (html[data-theme] is its theme kind)
      const f = await wb.dashboardFrame(d => (d.charts.loss?.points ?? 0) > 0, 15_000);
      const l = await (async () => {
        const deadline = Date.now() + 15_000;
        for (;;) {
          await wb.afterPaint(f);
          const v = await look(f);
          if (v.kind === kind && v.linePixels > 0) return v;
          if (Date.now() > deadline) throw new Error(`the dashboard did not redraw in ${theme}: ${JSON.stringify(v)}`);
        }
      })();
      await f.evaluate(() =>
        document.querySelector('section.chart[data-chart="loss"]')?.scrollIntoView({ block: 'center' }),
      );
      await wb.afterPaint(f);
      const file = await wb.screenshot(`dashboard-${name}`);
      assert.ok(fs.statSync(file).size > 10_000, `${file} is a real screenshot`);
      looks[name] = { ...l, file };
      // legible: text and chart lines stand out from the background (WCAG: 4.5 for text, 3 for graphics)
      assert.ok(
        contrast(l.foreground, l.background) >= 4.5,
        `${theme}: text contrast ${contrast(l.foreground, l.background).toFixed(1)}`,
      );
      assert.ok(
        contrast(l.line, l.background) >= 3,
        `${theme}: chart line ${l.line} on ${l.background}: contrast ${contrast(l.line, l.background).toFixed(1)}`,
      );
    }
    t.diagnostic(JSON.stringify(looks));
    const names = Object.keys(looks);
    for (let i = 0; i < names.length; i++) {
      for (let j = i + 1; j < names.length; j++) {
        const a = looks[names[i]];
        const b = looks[names[j]];
        assert.notDeepEqual(
          [a.background, a.foreground, a.line],
          [b.background, b.foreground, b.line],
          `${names[i]} and ${names[j]} look different`,
        );
      }
    }
    assert.notEqual(looks.light.background, looks.dark.background, 'the webview follows the theme colours');
    assert.notEqual(looks.light.foreground, looks.dark.foreground, 'text colour follows the theme');
    assert.notEqual(
      looks['high-contrast'].foreground,
      looks.dark.foreground,
      "high contrast text is not the dark theme's",
    );
    await wb.setColorTheme('Dark Modern');
  });
});
