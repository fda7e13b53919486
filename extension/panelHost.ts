/**
 * What every Training Lens webview panel host shares (dashboard, Sweep, Compare Optimizers): creating or adopting
 * the panel (a serializer hands back a restored one), its page with the strict CSP, its icon, routing the webview's
 * messages, posting (and recording, for the tests) what the host sends, and tidying up when the panel closes. The
 * subclass owns the state and the protocol of its panel.
 */
import * as vscode from 'vscode';
import { webviewPageHtml, type WebviewPage } from './webviewPage';

export abstract class PanelHost<HostMessage> implements vscode.Disposable {
  protected panel: vscode.WebviewPanel | undefined;
  private panelDisposables: vscode.Disposable[] = [];
  protected readonly disposables: vscode.Disposable[] = [];
  private readonly posted = new vscode.EventEmitter<HostMessage>();
  /** every message sent to the webview (the extension's test API exposes it) */
  readonly onDidPostMessage = this.posted.event;

  constructor(
    protected readonly context: vscode.ExtensionContext,
    private readonly viewType: string,
    private readonly page: Omit<WebviewPage, 'title'>,
  ) {}

  /** the panel's title, also the page's <title> */
  protected abstract title(): string;
  /** a message from the webview, not yet validated */
  protected abstract onMessage(raw: unknown): void;
  /** the page is set and its messages are routed */
  protected onAttached(): void {}
  /** the panel was closed */
  protected onDetached(): void {}

  protected webviewOptions(): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.context.extensionUri, 'dist')] };
  }

  /** A new panel in that column. */
  protected openPanel(viewColumn: vscode.ViewColumn, preserveFocus: boolean): void {
    const panel = vscode.window.createWebviewPanel(
      this.viewType,
      this.title(),
      { viewColumn, preserveFocus },
      this.webviewOptions(),
    );
    this.attach(panel);
  }

  /** Restores this host's panels after a window reload (the serializer VS Code calls with the old panel). */
  protected registerSerializer(restore: (panel: vscode.WebviewPanel) => void): void {
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(this.viewType, {
        deserializeWebviewPanel: async (panel: vscode.WebviewPanel) => restore(panel),
      }),
    );
  }

  /** Takes over a panel (new or restored): its page, icon, message routing and close handling. */
  protected attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    panel.webview.options = this.webviewOptions();
    panel.title = this.title();
    panel.iconPath = vscode.Uri.joinPath(this.context.extensionUri, 'media', 'icon.svg');
    panel.webview.html = webviewPageHtml(this.context.extensionUri, panel.webview, {
      ...this.page,
      title: this.title(),
    });
    this.panelDisposables.push(
      panel.webview.onDidReceiveMessage(raw => this.onMessage(raw)),
      panel.onDidDispose(() => {
        this.panel = undefined;
        this.panelDisposables.forEach(d => d.dispose());
        this.panelDisposables = [];
        this.onDetached();
      }),
    );
    this.onAttached();
  }

  /** Sends a message to the webview; a hidden or closed one drops it (it asks for the state again when shown). */
  protected post(msg: HostMessage): void {
    if (!this.panel) return;
    void this.panel.webview.postMessage(msg);
    this.posted.fire(msg);
  }

  dispose(): void {
    this.panel?.dispose();
    this.posted.dispose();
    this.disposables.forEach(d => d.dispose());
  }
}
