/** Polling shared by the real-VS-Code suites (code-server e2e and the API-level suite). */
export const sleep = (ms: number) => new Promise<void>(r => setTimeout(r, ms));

/** Polls `fn` until it returns a truthy value; throws with `what` (and the last value or error) on timeout. */
export async function poll<T>(
  what: string,
  fn: () => T | Promise<T>,
  timeoutMs: number,
  intervalMs: number,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${detail})`);
    }
    await sleep(intervalMs);
  }
}
