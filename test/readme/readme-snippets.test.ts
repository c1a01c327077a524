// Type-checks every ```ts snippet of README.md against the library's source: each snippet is a
// module of its own ('multi-region-cdk' is mapped to ./lib), compiled with the project's
// strictness; fragments see only the declarations of test/readme/prelude.d.ts.
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..', '..');
const README = path.join(ROOT, 'README.md');
const PRELUDE = path.join(__dirname, 'prelude.d.ts');

interface Snippet { file: string; readmeLine: number; text: string }

/** Every ```ts block of the README, with the README line of its first code line. */
function snippets(): Snippet[] {
  const lines = fs.readFileSync(README, 'utf8').split('\n');
  const found: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i])) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^```\s*$/.test(lines[end])) end++;
    // A virtual file beside the tests, so aws-cdk-lib resolves from the project's node_modules.
    found.push({ file: path.join(__dirname, `.snippet-${start + 1}.ts`), readmeLine: start + 1, text: `${lines.slice(start, end).join('\n')}\nexport {};\n` });
    i = end;
  }
  return found;
}

test('README.md has TypeScript snippets', () => {
  expect(snippets().length).toBeGreaterThan(5);
});

test('every TypeScript snippet in README.md compiles', () => {
  const all = snippets();
  const byFile = new Map(all.map((s) => [s.file, s]));
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    lib: ['lib.es2022.d.ts'],
    strict: true,
    esModuleInterop: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
    baseUrl: ROOT,
    paths: { 'multi-region-cdk': ['lib/index.ts'] },
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, languageVersion, onError, create) => {
    const s = byFile.get(path.resolve(name));
    return s ? ts.createSourceFile(name, s.text, languageVersion, true) : getSourceFile(name, languageVersion, onError, create);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => byFile.has(path.resolve(name)) || fileExists(name);
  const program = ts.createProgram([PRELUDE, ...all.map((s) => s.file)], options, host);

  const problems: string[] = [];
  for (const s of all) {
    const source = program.getSourceFile(s.file)!;
    for (const d of [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]) {
      const { line } = source.getLineAndCharacterOfPosition(d.start ?? 0);
      problems.push(`README.md:${s.readmeLine + line}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    }
  }
  for (const d of program.getSemanticDiagnostics(program.getSourceFile(PRELUDE)!)) {
    problems.push(`prelude.d.ts: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  }
  expect(problems).toEqual([]);
}, 120_000);
