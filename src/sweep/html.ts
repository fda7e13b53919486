/**
 * The Sweep panel's HTML document. Pure (no `vscode` import): the host passes `webview.cspSource` and the webview
 * URIs of dist/sweep.js and dist/sweep.css. Same strict nonce CSP as the dashboard (src/dashboard/html.ts).
 */
import { checkedCsp, escapeHtml } from '../dashboard/html';

export interface SweepHtmlOptions {
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
  title?: string;
}

export function renderSweepHtml(opts: SweepHtmlOptions): string {
  const csp = checkedCsp('renderSweepHtml', opts.cspSource, opts.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(opts.styleUri)}">
<title>${escapeHtml(opts.title ?? 'Training Lens: Sweep')}</title>
</head>
<body>
<main id="app" aria-live="polite"><p class="empty">Waiting for the sweep\u2026</p></main>
<script nonce="${escapeHtml(opts.nonce)}" src="${escapeHtml(opts.scriptUri)}"></script>
</body>
</html>
`;
}
