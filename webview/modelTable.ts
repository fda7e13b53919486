/**
 * The model table's trainable parts: a Trainable column per layer (Keras' `summary(show_trainable=True)`) and the
 * parameter totals split as `summary()` prints them (Total / Trainable / Non-trainable params).
 */
import { paramSplit, type FitStartEvent, type LayerSummary } from '../src/protocol';
import { el } from './dom';
import { formatInt } from './format';

/** "yes", "frozen", or "" for an older log that does not say. */
export function trainableCell(l: LayerSummary): HTMLTableCellElement {
  const text = l.trainable === undefined ? '' : l.trainable ? 'yes' : 'frozen';
  return el('td', {
    className: `trainable${l.trainable === false ? ' trainable-frozen' : ''}`,
    text,
    title: l.trainable === false ? 'layer.trainable = false: fit leaves its weights as they are' : '',
  });
}

/** The footer row: Total params, and when the log says, Trainable and Non-trainable params. */
export function paramTotalsRow(fit: FitStartEvent, columns: number): HTMLTableRowElement {
  const split = paramSplit(fit);
  const part = (key: string, label: string, n: number) =>
    el('span', { className: 'param-total', dataset: { total: key } }, `${label}: `, el('b', { text: formatInt(n) }));
  const parts = [part('total', 'Total params', split.total)];
  if (split.trainable !== undefined) parts.push(part('trainable', 'Trainable params', split.trainable));
  if (split.nonTrainable !== undefined) parts.push(part('non-trainable', 'Non-trainable params', split.nonTrainable));
  const separated = parts.flatMap((p, i) => (i ? [' · ', p] : [p]));
  return el('tr', {}, el('td', { colSpan: columns, id: 'model-params' }, ...separated));
}
