/**
 * Must be the first import of main.ts: zod's object schemas probe `new Function('')` when they are built (to
 * JIT-compile parsers). Under the webview's CSP (no 'unsafe-eval') the probe throws and, although zod catches it,
 * Chromium still reports a `securitypolicyviolation`. zod reads `globalThis.__zod_globalConfig` when it loads, and
 * `jitless: true` skips the probe. Set it before src/protocol (and so zod) is evaluated.
 */
const g = globalThis as { __zod_globalConfig?: Record<string, unknown> };
g.__zod_globalConfig = { ...(g.__zod_globalConfig ?? {}), jitless: true };
export {};
