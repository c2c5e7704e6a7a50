#!/usr/bin/env node
// Figures a reviewer of relkit's source asks for: the largest functions, files over 400 lines, and
// the escape hatches of the type system (`any`, `as` casts, non-null `!`), over packages/ and actions/.
//   node scripts/code-figures.mjs [DIR]   (DIR: another checkout to measure, default this one)
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const root = process.argv[2] ?? new URL('..', import.meta.url).pathname;
const files = ['packages', 'actions'].flatMap((top) =>
  readdirSync(join(root, top), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && e.parentPath.split('/').includes('src'))
    .map((e) => join(e.parentPath, e.name)),
);
const functions = [];
let any = 0;
let casts = 0;
let nonNull = 0;
const long = [];
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const lines = text.split('\n').length;
  if (lines > 400) long.push(`${relative(root, file)} (${lines})`);
  const visit = (node) => {
    if (node.kind === ts.SyntaxKind.AnyKeyword) any++;
    if (ts.isAsExpression(node) && !(ts.isTypeReferenceNode(node.type) && node.type.getText() === 'const')) casts++;
    if (ts.isNonNullExpression(node)) nonNull++;
    if ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isArrowFunction(node) || ts.isFunctionExpression(node)) && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart()).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const name = node.name?.getText() ?? (ts.isVariableDeclaration(node.parent) ? node.parent.name.getText() : '(anonymous)');
      functions.push({ where: `${relative(root, file)}:${start + 1} ${name}`, lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}
functions.sort((a, b) => b.lines - a.lines);
console.log(`source files: ${files.length}`);
console.log(
  `largest functions: ${functions
    .slice(0, 5)
    .map((f) => `${f.where} (${f.lines} lines)`)
    .join('; ')}`,
);
console.log(`files over 400 lines: ${long.length}${long.length ? ` — ${long.join(', ')}` : ''}`);
console.log(`any: ${any}, as casts: ${casts}, non-null !: ${nonNull}`);
