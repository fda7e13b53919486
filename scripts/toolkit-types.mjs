// Generates the editor types of `import ... from 'training-lens'` from the toolkit's own source (TypeScript
// compiler API, declarations only): the .d.ts of src/toolkit/index.ts and of every file it references, in their
// source layout, plus an index.d.ts that names each export of the toolkit. The result is a tiny types-only package
// that "Training Lens: Add Toolkit Types" copies to <workspace>/node_modules/training-lens.
// `node scripts/toolkit-types.mjs [outDir]` (default dist/toolkit-types); esbuild.config.mjs runs it on build.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** @returns {Map<string, string>} relative path -> file text of the types package */
export function toolkitDeclarations(root = ROOT) {
  const entry = path.join(root, 'src', 'toolkit', 'index.ts');
  const options = {
    declaration: true,
    emitDeclarationOnly: true,
    noEmit: false,
    strict: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    esModuleInterop: true,
    types: ['node'],
    rootDir: path.join(root, 'src'),
    outDir: '/out',
    allowImportingTsExtensions: true,
  };
  const program = ts.createProgram([entry], options, publicClassesHost(options, path.join(root, 'src', 'toolkit')));
  const problems = ts.getPreEmitDiagnostics(program).filter(d => d.category === ts.DiagnosticCategory.Error);
  if (problems.length)
    throw new Error(`toolkit types: the toolkit does not typecheck:\n${ts.formatDiagnostics(problems, formatHost)}`);

  const emitted = new Map();
  const result = program.emit(
    undefined,
    (file, text) => {
      emitted.set(path.relative('/out', file).split(path.sep).join('/'), text);
    },
    undefined,
    true,
  );
  if (result.emitSkipped)
    throw new Error(`toolkit types: declaration emit failed:\n${ts.formatDiagnostics(result.diagnostics, formatHost)}`);

  // Keep only what index.d.ts reaches through relative imports (the program also holds the runner's own files).
  const files = new Map();
  const visit = rel => {
    if (files.has(rel) || !emitted.has(rel)) return;
    const text = emitted.get(rel);
    files.set(rel, text);
    for (const m of text.matchAll(/(?:from\s+|import\()\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(rel), m[1])).replace(/\.ts$/, '');
      visit(`${target}.d.ts`);
      visit(`${target}/index.d.ts`);
    }
  };
  visit('toolkit/index.d.ts');
  if (!files.size) throw new Error('toolkit types: nothing emitted for src/toolkit/index.ts');

  // The module's named exports: the properties of createToolkit's result.
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  if (!source) throw new Error(`toolkit types: ${entry} is not part of the program`);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  if (!moduleSymbol) throw new Error(`toolkit types: ${entry} is not a module`);
  const create = checker.getExportsOfModule(moduleSymbol).find(s => s.name === 'createToolkit');
  if (!create) throw new Error('toolkit types: src/toolkit/index.ts has no createToolkit');
  const signature = checker.getTypeOfSymbolAtLocation(create, source).getCallSignatures()[0];
  const names = checker
    .getReturnTypeOfSignature(signature)
    .getProperties()
    .map(p => p.name)
    .sort();

  files.set(
    'index.d.ts',
    [
      '// Types of the `training-lens` module Training Lens provides to job files at run time. Generated; do not edit.',
      "import type { Toolkit } from './toolkit/index';",
      ...names.map(n => `export declare const ${n}: Toolkit['${n}'];`),
      'declare const toolkit: Toolkit;',
      'export default toolkit;',
      '',
    ].join('\n'),
  );
  files.set(
    'package.json',
    JSON.stringify(
      {
        name: 'training-lens',
        version: readVersion(root),
        private: true,
        types: 'index.d.ts',
        description:
          'Editor types of the training-lens toolkit (the module itself is provided by the Training Lens runner). Written by "Training Lens: Add Toolkit Types".',
      },
      null,
      2,
    ) + '\n',
  );
  return files;
}

/**
 * The toolkit's factories return instances of classes declared inside them (they extend the job's own tf
 * instance's classes). A declaration file can only describe such an instance structurally, which TypeScript
 * refuses when the class has private or protected members (TS4094). For the types package only, those
 * modifiers become `public` in the toolkit's sources (read in memory, never written): the members become visible
 * in completions, and every public signature stays exactly as written.
 */
function publicClassesHost(options, toolkitDir) {
  const host = ts.createCompilerHost(options, true);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const file = getSourceFile(fileName, languageVersion, onError, shouldCreate);
    if (!file || !path.resolve(fileName).startsWith(toolkitDir + path.sep)) return file;
    const cuts = [];
    const visit = node => {
      const inClass = ts.isClassElement(node) || (ts.isParameter(node) && ts.isConstructorDeclaration(node.parent));
      if (inClass) {
        for (const m of ts.getModifiers(/** @type {import('typescript').HasModifiers} */ (node)) ?? []) {
          if (m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword)
            cuts.push([m.getStart(file), m.getEnd()]);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
    if (!cuts.length) return file;
    let text = file.text;
    for (const [start, end] of cuts.sort((a, b) => b[0] - a[0]))
      text = text.slice(0, start) + 'public' + text.slice(end);
    return ts.createSourceFile(fileName, text, languageVersion, true);
  };
  return host;
}

function readVersion(root) {
  return JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version;
}

const formatHost = { getCanonicalFileName: f => f, getCurrentDirectory: () => ROOT, getNewLine: () => '\n' };

export function writeToolkitTypes(outDir, root = ROOT) {
  const files = toolkitDeclarations(root);
  fs.rmSync(outDir, { recursive: true, force: true });
  for (const [rel, text] of files) {
    const file = path.join(outDir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
  return [...files.keys()];
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.join(ROOT, 'scripts', 'toolkit-types.mjs')) {
  const out = path.resolve(process.argv[2] ?? path.join(ROOT, 'dist', 'toolkit-types'));
  const written = writeToolkitTypes(out);
  console.log(`toolkit types: ${written.length} files in ${path.relative(process.cwd(), out) || '.'}`);
}
