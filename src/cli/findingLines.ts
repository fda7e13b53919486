/** A finding as the CLI prints it: one line, then the symptoms it explains (`train` and `report` alike). */
import type { Finding } from '../protocol';
import { formatExplains } from '../protocol/format';

export function findingLines(f: Finding): string[] {
  const lines = [`${f.severity} ${f.code}: ${f.message}`];
  if (f.explains?.length) lines.push(`  explains: ${formatExplains(f.explains)}`);
  return lines;
}
