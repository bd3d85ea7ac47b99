/** The type-level promises of test/types/fixture.ts hold (compiled here, not run). */
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { expect, test } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

test('names, compile strings, evaluate and gradOrThrow type as promised', () => {
  const config = ts.getParsedCommandLineOfConfigFile(`${root}tsconfig.json`, { noEmit: true }, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(String(d.messageText)); } })!;
  // Under noUncheckedIndexedAccess every destructured list element may be undefined (TypeScript's rule), so off, as in the README check.
  const program = ts.createProgram([`${root}test/types/fixture.ts`], { ...config.options, noUncheckedIndexedAccess: false });
  const problems = ts.getPreEmitDiagnostics(program).map((d) => {
    const line = d.file === undefined ? 0 : d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1;
    return `${d.file?.fileName.replace(root, '') ?? ''}:${line} TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
  expect(problems).toEqual([]);
}, 120_000);
