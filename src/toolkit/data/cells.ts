/** How the loaders read one CSV cell: a missing value, a number, or text. */

/** Cells that mean "no value" (spreadsheets, pandas, R, the UCI repository's `?`). */
const MISSING = new Set(['', 'na', 'n/a', 'nan', 'null', 'none', '?', '-']);

export function isMissing(cell: string | undefined): boolean {
  return cell === undefined || MISSING.has(cell.trim().toLowerCase());
}

// Decimal notation only: Number() would also take '0x1f', '0b1' and whitespace-only text.
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The cell's number, or undefined when it is not a decimal number. */
export function parseNumber(cell: string): number | undefined {
  const t = cell.trim();
  return DECIMAL.test(t) ? Number(t) : undefined;
}

/** Class names in order: numerically when every name is a number, else by code point (locale-independent). */
export function sortClasses(names: Iterable<string>): string[] {
  const list = [...new Set(names)];
  if (list.every(n => parseNumber(n) !== undefined)) return list.sort((a, b) => Number(a) - Number(b));
  return list.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
