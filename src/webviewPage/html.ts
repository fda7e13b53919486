/**
 * The HTML document of every Training Lens webview (dashboard, Sweep, Compare Optimizers). Pure (no `vscode`
 * import): the extension host passes `webview.cspSource` and the `asWebviewUri` URIs of the page's script and
 * stylesheet. Strict CSP: scripts only with the nonce, styles only from the extension (or with the nonce), nothing
 * remote.
 */
import { randomBytes } from 'node:crypto';

export interface WebviewHtmlOptions {
  /** `webview.cspSource` */
  cspSource: string;
  /** from `makeNonce()`, fresh for every render */
  nonce: string;
  /** webview URI of the page's script (dist/webview.js, dist/sweep.js, …) */
  scriptUri: string;
  /** webview URI of the page's stylesheet */
  styleUri: string;
  title?: string;
  /** text shown until the script has built the page (default: the dashboard's "Waiting for the first batch…") */
  placeholder?: string;
}

/** 32 characters of base64url from a CSPRNG (valid in a CSP `nonce-` source). */
export function makeNonce(): string {
  return randomBytes(24).toString('base64url');
}

const NONCE_RE = /^[A-Za-z0-9+/_-]+={0,2}$/;

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function dashboardCsp(cspSource: string, nonce: string): string {
  return (
    [
      "default-src 'none'",
      `script-src 'nonce-${nonce}'`,
      `style-src ${cspSource} 'nonce-${nonce}'`,
      `img-src ${cspSource} data:`,
      `font-src ${cspSource}`,
    ].join('; ') + ';'
  );
}

/** The CSP for a Training Lens webview page, after checking its inputs (`who` names the caller in errors). */
function checkedCsp(who: string, cspSource: string, nonce: string): string {
  if (!NONCE_RE.test(nonce)) throw new Error(`${who}: nonce must be base64/base64url (use makeNonce())`);
  // A source list, e.g. code-server's `'self' https://*.vscode-cdn.net`: only what could end the directive is refused.
  if (/[;,"<>]/.test(cspSource) || cspSource.trim() === '') {
    throw new Error(`${who}: invalid cspSource ${JSON.stringify(cspSource)}`);
  }
  return dashboardCsp(cspSource.trim(), nonce);
}

export function renderWebviewHtml(opts: WebviewHtmlOptions): string {
  const csp = checkedCsp('renderWebviewHtml', opts.cspSource, opts.nonce);
  const title = opts.title ?? 'Training Lens';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(opts.styleUri)}">
<title>${escapeHtml(title)}</title>
</head>
<body>
<div id="app"><p id="empty" class="empty">${escapeHtml(opts.placeholder ?? 'Waiting for the first batch\u2026')}</p></div>
<script nonce="${escapeHtml(opts.nonce)}" src="${escapeHtml(opts.scriptUri)}"></script>
</body>
</html>
`;
}
