/** A symptom's consecutive run, per key: from which step it has held and over how many probes. */
export class Streak {
  private since = new Map<string, { fromStep: number; count: number }>();
  hit(key: string, step: number): number {
    const s = this.since.get(key) ?? { fromStep: step, count: 0 };
    s.count++;
    this.since.set(key, s);
    return s.count;
  }
  miss(key: string): void {
    this.since.delete(key);
  }
  from(key: string): number {
    return this.since.get(key)?.fromStep ?? 0;
  }
  count(key: string): number {
    return this.since.get(key)?.count ?? 0;
  }
  /** any symptom whose key starts with one of the prefixes is holding */
  holding(...prefixes: string[]): boolean {
    for (const [k, s] of this.since) if (s.count > 0 && prefixes.some(p => k.startsWith(p))) return true;
    return false;
  }
  clear(): void {
    this.since.clear();
  }
}
