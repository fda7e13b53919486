/** The toolbar above the charts: TensorBoard's smoothing slider and the x-axis mode (step / epoch / relative time). */
import type { XAxisMode } from './dashboardState';
import { setPressed, vscodeButton, type VscodeButton } from './vscode-controls';

export class ChartToolbar {
  readonly element: HTMLElement;
  private readonly smoothingInput: HTMLInputElement;
  private readonly smoothingValue: HTMLElement;
  private readonly axisButtons = new Map<XAxisMode, VscodeButton>();

  constructor(
    smoothing: number,
    xAxis: XAxisMode,
    on: {
      /** while the slider moves */
      smoothing: (weight: number) => void;
      /** when the slider is let go (persist the preference) */
      smoothingDone: () => void;
      xAxis: (mode: XAxisMode) => void;
    },
  ) {
    this.element = document.createElement('div');
    this.element.className = 'chart-toolbar';
    this.element.id = 'chart-toolbar';
    this.element.hidden = true;
    const label = document.createElement('label');
    label.className = 'smoothing';
    label.textContent = 'Smoothing ';
    const input = document.createElement('input');
    input.type = 'range';
    input.id = 'smoothing';
    input.min = '0';
    input.max = '0.999';
    input.step = '0.001';
    input.setAttribute('aria-label', 'Smoothing weight (TensorBoard exponential moving average)');
    const value = document.createElement('output');
    value.id = 'smoothing-value';
    input.addEventListener('input', () => on.smoothing(Number(input.value)));
    input.addEventListener('change', () => on.smoothingDone());
    label.append(input, ' ', value);
    this.smoothingInput = input;
    this.smoothingValue = value;
    this.showSmoothing(smoothing);
    const axis = document.createElement('div');
    axis.className = 'axis-mode';
    axis.setAttribute('role', 'group');
    axis.setAttribute('aria-label', 'Horizontal axis');
    axis.append('X axis ');
    for (const mode of ['step', 'epoch', 'time'] as XAxisMode[]) {
      const b = vscodeButton(mode === 'time' ? 'relative time' : mode, { className: 'toggle' });
      b.dataset.axis = mode;
      b.addEventListener('click', () => on.xAxis(mode));
      this.axisButtons.set(mode, b);
      axis.append(b);
    }
    this.showXAxis(xAxis);
    const hint = document.createElement('span');
    hint.className = 'hint';
    hint.textContent = 'wheel: zoom · drag: pan · double-click: reset';
    this.element.append(label, axis, hint);
  }

  showSmoothing(weight: number): void {
    this.smoothingInput.value = String(weight);
    this.smoothingValue.textContent = weight.toFixed(3);
  }

  showXAxis(mode: XAxisMode): void {
    for (const [m, b] of this.axisButtons) setPressed(b, m === mode);
  }
}
