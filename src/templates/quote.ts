/** A string as a single-quoted TypeScript literal (data paths and column names written into a job). */
export function tsString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}
