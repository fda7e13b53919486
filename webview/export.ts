/** Chart export: CSV of every series of a chart (a step,value column pair per series) and file download. */
import type { Point } from './dashboardState';

export interface CsvSeries {
  name: string;
  points: readonly Point[];
}

function csvCell(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Header `<name> step,<name> value` per series; rows run to the longest series (shorter ones get empty cells). */
export function chartCsv(series: readonly CsvSeries[], xName = 'step'): string {
  const header = series.flatMap(s => [csvCell(`${s.name} ${xName}`), csvCell(`${s.name} value`)]).join(',');
  const rows = [header];
  const n = series.reduce((m, s) => Math.max(m, s.points.length), 0);
  for (let i = 0; i < n; i++) {
    const cells: string[] = [];
    for (const s of series) {
      const p = s.points[i];
      cells.push(p ? String(p.x) : '', p ? String(p.y) : '');
    }
    rows.push(cells.join(','));
  }
  return rows.join('\n') + '\n';
}

export function safeFileName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '') || 'chart';
}

/** Works inside VS Code webviews: an anchor with `download` on a blob: or data: URL. */
export function download(fileName: string, href: string): void {
  const a = document.createElement('a');
  a.href = href;
  a.download = fileName;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
}

export function downloadText(fileName: string, text: string, type = 'text/csv'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  download(fileName, url);
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
