/** Which way a logged metric improves: one rule for the sweep's ranking and the toolkit's monitors (mode 'auto'). */

/** Accuracy-like metrics (acc, AUC, precision, recall, F1) grow as training improves; losses and errors shrink. */
export function higherIsBetter(metric: string): boolean {
  return /acc|auc|precision|recall|f1|fmeasure/i.test(metric) && !/loss|error/i.test(metric);
}
