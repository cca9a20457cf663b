import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';
import ts from 'typescript';
import { ROOT, WORKFLOWS_PATH } from '../paths';

/** The workflow bundle's entry, relative to the repository root. */
export const WORKFLOW_ENTRY = relative(ROOT, WORKFLOWS_PATH);

/**
 * The source files that go into the workflow bundle, as paths relative to `root` (POSIX separators),
 * sorted: the entry and every file reached from it through relative runtime imports, re-exports and
 * `import()`. `import type` / `export type` are erased before bundling, so they are not followed;
 * packages (bare specifiers) are not walked.
 */
export function bundleInputFiles(root: string, entry = WORKFLOW_ENTRY): string[] {
  const seen = new Set<string>();
  const pending = [join(root, entry)];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of runtimeSpecifiers(file)) {
      if (spec.startsWith('.')) pending.push(resolveRelative(file, spec));
    }
  }
  return [...seen].map((f) => relative(root, f).split(sep).join(posix.sep)).sort();
}

/** sha256 over each file's path and content, so a rename changes the hash as much as an edit. */
export function hashFiles(root: string, files: string[]): string {
  const h = createHash('sha256');
  for (const f of files) h.update(f).update('\0').update(readFileSync(join(root, f))).update('\0');
  return h.digest('hex');
}

export function currentBundleInputs(root: string): { hash: string; files: string[] } {
  const files = bundleInputFiles(root);
  return { files, hash: hashFiles(root, files) };
}

function runtimeSpecifiers(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const specs: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && !typesOnly(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      specs.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && !node.isTypeOnly && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      specs.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteral(arg)) specs.push(arg.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return specs;
}

/** `import type { … }` or `import { type A, type B }`: erased by the compiler, so never bundled. */
function typesOnly(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause;
  if (!clause) return false; // a side-effect import
  if (clause.isTypeOnly) return true;
  const named = clause.namedBindings;
  return !clause.name && !!named && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly);
}

/** The bundler's resolution for relative paths: the file itself, `.ts`, then `/index.ts`. */
function resolveRelative(from: string, spec: string): string {
  const base = join(dirname(from), spec);
  const found = [base, `${base}.ts`, join(base, 'index.ts')].find((p) => existsSync(p) && statSync(p).isFile());
  // A missed file would leave a hole in the guard, so an unresolved import stops the walk.
  if (!found) throw new Error(`${from}: cannot resolve '${spec}' (tried ${spec}, ${spec}.ts, ${spec}/index.ts)`);
  return found;
}
