import type fc from 'fast-check';

/** A fuzz target: inputs, and a check that throws when the code under test misbehaves on one. */
export interface FuzzTargetSpec<T> {
  arbitrary: fc.Arbitrary<T>;
  check(input: T): void | Promise<void>;
  setup?(): void | Promise<void>;
  teardown?(): void | Promise<void>;
}

/** An error the code under test documents (a clear message); anything else is a bug. */
export function expectDocumented(e: unknown, test: (message: string) => boolean, what: string): void {
  if (!(e instanceof Error) || !test(e.message))
    throw new Error(`${what} threw an undocumented error: ${(e as Error)?.stack ?? String(e)}`);
}
