/**
 * Colours from VS Code's `--vscode-*` CSS variables (set on the webview's <html>, kind as a class on <body>),
 * with fallbacks when a variable is empty (e.g. the page is opened outside VS Code).
 */

export type ThemeKind = 'dark' | 'light' | 'high-contrast' | 'high-contrast-light';

export interface Theme {
  kind: ThemeKind;
  foreground: string;
  muted: string;
  background: string;
  grid: string;
  /** series colours, most distinguishable first */
  palette: string[];
  /** shading of the selected finding's steps */
  highlight: string;
  fontFamily: string;
  fontSize: number;
}

const PALETTE_VARS = ['blue', 'orange', 'green', 'purple', 'red', 'yellow'] as const;

const FALLBACK: Record<'dark' | 'light', Omit<Theme, 'kind' | 'fontFamily' | 'fontSize'>> = {
  dark: {
    foreground: '#cccccc',
    muted: '#9d9d9d',
    background: '#1e1e1e',
    grid: 'rgba(128, 128, 128, 0.35)',
    palette: ['#3794ff', '#d18616', '#89d185', '#b180d7', '#f14c4c', '#cca700'],
    highlight: '#cca700',
  },
  light: {
    foreground: '#3b3b3b',
    muted: '#717171',
    background: '#ffffff',
    grid: 'rgba(128, 128, 128, 0.3)',
    palette: ['#1a85ff', '#d18616', '#388a34', '#652d90', '#e51400', '#bf8803'],
    highlight: '#bf8803',
  },
};

export function themeKind(body: { classList: { contains(c: string): boolean } }): ThemeKind {
  if (body.classList.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (body.classList.contains('vscode-high-contrast')) return 'high-contrast';
  if (body.classList.contains('vscode-light')) return 'light';
  return 'dark';
}

/** `get(name)` returns the variable's value ('' when unset). */
export function buildTheme(kind: ThemeKind, get: (name: string) => string): Theme {
  const fb = FALLBACK[kind === 'light' || kind === 'high-contrast-light' ? 'light' : 'dark'];
  const pick = (...names: string[]): string | undefined => {
    for (const n of names) {
      const v = get(n).trim();
      if (v) return v;
    }
    return undefined;
  };
  const size = parseFloat(pick('--vscode-font-size') ?? '');
  const border = pick('--vscode-editorWidget-border', '--vscode-widget-border', '--vscode-panel-border');
  // high contrast themes' borders are the full-strength contrast colour, which is also a series colour there
  // (Light High Contrast's charts.orange is its contrastBorder): fainter as grid lines, so lines stay distinct
  const hc = kind === 'high-contrast' || kind === 'high-contrast-light';
  return {
    kind,
    foreground:
      pick('--vscode-charts-foreground', '--vscode-foreground', '--vscode-editor-foreground') ?? fb.foreground,
    muted: pick('--vscode-descriptionForeground') ?? fb.muted,
    background: pick('--vscode-editor-background') ?? fb.background,
    grid: border
      ? hc
        ? withAlpha(border, 0.4)
        : border
      : get('--vscode-charts-lines').trim()
        ? withAlpha(get('--vscode-charts-lines'), 0.25)
        : fb.grid,
    palette: PALETTE_VARS.map((c, i) => pick(`--vscode-charts-${c}`) ?? fb.palette[i]),
    highlight: pick('--vscode-editorWarning-foreground', '--vscode-charts-yellow') ?? fb.highlight,
    fontFamily: pick('--vscode-font-family') ?? 'system-ui, -apple-system, "Segoe UI", sans-serif',
    fontSize: Number.isFinite(size) && size > 0 ? size : 13,
  };
}

export function readTheme(body: HTMLElement = document.body): Theme {
  const style = getComputedStyle(body);
  return buildTheme(themeKind(body), n => style.getPropertyValue(n));
}

/** Calls `onChange` when VS Code switches themes (it toggles classes on <body> and the variables on <html>). */
export function watchTheme(onChange: (t: Theme) => void): () => void {
  let last = JSON.stringify(readTheme());
  let pending = false;
  const check = (): void => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      const t = readTheme();
      const s = JSON.stringify(t);
      if (s !== last) {
        last = s;
        onChange(t);
      }
    });
  };
  const mo = new MutationObserver(check);
  mo.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  mo.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  return () => mo.disconnect();
}

/** `#rgb[a]`, `#rrggbb[aa]` or `rgb[a](...)` as [r, g, b] (0-255); undefined for other syntaxes. */
export function parseColor(color: string): [number, number, number] | undefined {
  const c = color.trim();
  let m = /^#([0-9a-f]{3,8})$/i.exec(c);
  if (m) {
    let h = m[1];
    if (h.length === 3 || h.length === 4)
      h = h
        .split('')
        .map(x => x + x)
        .join('');
    if (h.length !== 6 && h.length !== 8) return undefined;
    return [parseInt(h.slice(0, 2), 16), parseInt(h.slice(2, 4), 16), parseInt(h.slice(4, 6), 16)];
  }
  m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/i.exec(c);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  return undefined;
}

/** The colour with a new alpha; unparseable syntaxes are returned unchanged. */
export function withAlpha(color: string, alpha: number): string {
  const rgb = parseColor(color);
  return rgb ? `rgba(${rgb[0]}, ${rgb[1]}, ${rgb[2]}, ${alpha})` : color.trim();
}

/** `a` moved towards `b` by t in [0, 1]; undefined when either colour cannot be parsed. */
export function mixColors(a: string, b: string, t: number): string | undefined {
  const x = parseColor(a);
  const y = parseColor(b);
  if (!x || !y) return undefined;
  const c = x.map((v, i) => Math.round(v + (y[i] - v) * t));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

/** Palette colour for a slot; past the palette, tints of it towards the foreground. */
export function seriesColor(theme: Theme, slot: number): string {
  const n = theme.palette.length;
  const base = theme.palette[slot % n];
  const round = Math.floor(slot / n);
  if (round === 0) return base;
  return mixColors(base, theme.foreground, Math.min(0.7, 0.4 * round)) ?? base;
}
