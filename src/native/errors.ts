/** Why a native build could not be made or used: a problem code the CLI maps to its exit code, and a message. */
export type NativeProblem =
  | 'no-python'
  | 'bad-python'
  | 'no-tensorflow'
  | 'bad-tensorflow'
  | 'unsupported-platform'
  | 'no-compiler'
  | 'abi-mismatch'
  | 'npm-failed'
  | 'build-failed'
  | 'verify-failed'
  | 'install-failed';

export class NativeSetupError extends Error {
  constructor(
    readonly problem: NativeProblem,
    message: string,
    readonly detail?: string,
  ) {
    super(message);
  }
}
