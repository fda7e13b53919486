/** The HTML of a Training Lens webview panel: its script and stylesheet from dist/, a fresh nonce, the strict CSP. */
import * as vscode from 'vscode';
import { makeNonce, renderWebviewHtml } from '../src/webviewPage/html';

export interface WebviewPage {
  /** file names in dist/ */
  script: string;
  style: string;
  title: string;
  /** shown until the script has built the page */
  placeholder?: string;
}

export function webviewPageHtml(extensionUri: vscode.Uri, webview: vscode.Webview, page: WebviewPage): string {
  const dist = vscode.Uri.joinPath(extensionUri, 'dist');
  return renderWebviewHtml({
    cspSource: webview.cspSource,
    nonce: makeNonce(),
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, page.script)).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, page.style)).toString(),
    title: page.title,
    placeholder: page.placeholder,
  });
}
