// ESLint: typescript-eslint's recommended rules, a few type-aware ones that catch real bugs (a promise nobody
// awaits, an async callback where a sync one is expected), and the layering of docs/ARCHITECTURE.md as import rules.
// Formatting is Prettier's (eslint-config-prettier turns off the rules that would fight it).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

/**
 * The layers, lowest first. A folder may import folders of its own or a lower layer, never a higher one; the
 * table is the one docs/ARCHITECTURE.md explains. `webview/` is browser code and sees only the protocol.
 */
const LAYERS = [
  ['protocol', 'native'],
  ['tf', 'stack', 'runs', 'analysis', 'tfevents'],
  ['guidelines'],
  ['detectors', 'toolkit', 'templates'],
  ['probes', 'playground', 'backends'],
  ['runner'],
  ['sweep'],
  ['cli', 'webviewPage'],
];
const layerOf = folder => LAYERS.findIndex(l => l.includes(folder));
const higherThan = folder => LAYERS.slice(layerOf(folder) + 1).flat();

/** `import … from '../runner/x'` inside src/<folder>: the relative spellings of a sibling folder. */
const siblingPatterns = folders => folders.flatMap(f => [`../${f}`, `../${f}/*`, `../../src/${f}`, `../../src/${f}/*`]);

/** @type {import('eslint').Linter.Config[]} */
const layerRules = LAYERS.flat().map(folder => ({
  files: [`src/${folder}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        paths: [{ name: 'vscode', message: 'src/ is the core: it runs under plain Node and never imports vscode.' }],
        patterns: [
          {
            group: siblingPatterns([...higherThan(folder), 'extension', 'webview']).concat([
              '../../extension/*',
              '../../webview/*',
            ]),
            message: `src/${folder} sits below the folders it would import here (docs/ARCHITECTURE.md, "Layers").`,
          },
        ],
      },
    ],
  },
}));

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'test-artifacts/**',
      'demo-output/**',
      '.training-lens/**',
      '.vscode-test/**',
      'test/fixtures/lint/**',
      'test/fixtures/**/syntax-error*',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // node:test's test()/describe() return promises the runner itself awaits
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['test', 'describe', 'it', 'suite', 'before', 'after', 'beforeEach', 'afterEach'],
            },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      // tfjs' own types force a few non-null assertions and empty catch-alls; each is reviewed where it stands
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-empty': ['error', { allowEmptyCatch: true }],
      eqeqeq: ['error', 'smart'],
      // a method patched onto tfjs' prototypes has tfjs' `this`; the probe or instrumentation is reached by name
      '@typescript-eslint/no-this-alias': ['error', { allowedNames: ['self', 'probe', 'tap'] }],
    },
  },
  // files no tsconfig of ESLint's project service covers (checked by their own tsc config, test/webview)
  {
    files: ['**/*.mjs', '**/*.js', 'bench/webview.ts', 'scripts/render-dashboard.ts'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // stand-ins for the vscode module in unit tests mirror its loosely typed API
    files: ['test/unit/*-extension.test.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  { files: ['**/*.mjs', '**/*.js'], languageOptions: { globals: { ...globals.node } } },
  {
    files: ['bin/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  ...layerRules,
  {
    files: ['webview/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'webview/ runs in the browser.' }],
          patterns: [
            { group: ['node:*'], message: 'webview/ runs in the browser: no Node modules.' },
            {
              group: ['../src/*', '!../src/protocol', '../src/*/**', '!../src/protocol/*', '../extension/*'],
              message: 'webview/ imports only the protocol from src/ (docs/ARCHITECTURE.md, "Layers").',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['extension/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../webview/*', '../../webview/*'],
              message: 'The extension host talks to webviews through messages, never by import.',
            },
          ],
        },
      ],
    },
  },
  prettier,
);
