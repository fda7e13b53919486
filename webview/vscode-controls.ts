/**
 * The dashboard's buttons are @vscode-elements `vscode-button`s: VS Code's own look and colours from the theme's
 * --vscode-button-* variables, Enter/Space built in. A toggle keeps `aria-pressed` (the host gets role=button) and
 * shows its state as the primary (pressed) or secondary (not pressed) button style.
 */
// The element itself is defined by the entry (webview/main.ts imports the component): this module stays importable
// under plain Node, where the unit tests load the pure parts of histograms.ts.
import type { VscodeButton } from '@vscode-elements/elements/dist/vscode-button/vscode-button.js';

export type { VscodeButton };

export function vscodeButton(
  text: string,
  props: { className?: string; title?: string; id?: string } = {},
): VscodeButton {
  const b = document.createElement('vscode-button');
  b.secondary = true;
  if (props.className) b.className = props.className;
  if (props.id) b.id = props.id;
  if (props.title) b.title = props.title;
  b.textContent = text;
  return b;
}

/** Shows a toggle's state: `aria-pressed` for assistive technology and tests, primary style when pressed. */
export function setPressed(b: VscodeButton, pressed: boolean): void {
  b.setAttribute('aria-pressed', String(pressed));
  b.secondary = !pressed;
}
