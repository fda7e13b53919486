/** How a run is named in pickers and the dashboard: "<job file> · YYYY-MM-DD HH:MM:SS" (local time). */
import * as path from 'node:path';

export function labelOf(jobFile: string, startedAt: string): string {
  const d = new Date(startedAt);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${path.basename(jobFile)} · ${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
