/** What a loader left out, and why: every skipped row or file is counted and can be listed, never dropped silently. */
export interface Skip {
  /** the absolute path of the file */
  file: string;
  /** the line of a skipped CSV row */
  line?: number;
  reason: string;
}

/** "3 rows: line 5: missing value …; line 9: …; and 1 more" — the first `max` reasons. */
export function describeSkips(skips: Skip[], max: number): string {
  const shown = skips
    .slice(0, max)
    .map(s => (s.line !== undefined ? `line ${s.line}: ${s.reason}` : `${s.file}: ${s.reason}`));
  const more = skips.length > max ? `; and ${skips.length - max} more` : '';
  return `${skips.length} ${skips[0]?.line !== undefined ? 'rows' : 'files'}: ${shown.join('; ')}${more}`;
}
