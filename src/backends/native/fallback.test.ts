import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';

/**
 * Without the native addon (a machine with no compiler, or an install with --ignore-scripts)
 * neurite runs on WebAssembly and says so once; where the install's build ran and failed (its
 * log is there) the install has said it already. Checked on a copy of dist/ with no build/.
 */
const dist = fileURLToPath(new URL('../../../dist', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'neurite-no-addon-'));
cpSync(dist, join(root, 'dist'), { recursive: true });
writeFileSync(join(root, 'package.json'), '{"type":"module"}');
// Its dependencies (csv-parse) from this checkout.
symlinkSync(fileURLToPath(new URL('../../../node_modules', import.meta.url)), join(root, 'node_modules'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const run = (env: Record<string, string> = {}) => {
  const script = `const nt = await import(${JSON.stringify(join(root, 'dist', 'index.js'))}); console.log(nt.getContext().backend.name, nt.add(nt.tensor([1]), 1).item()); nt.tensor([2]).mul(2);`;
  const env0 = { ...process.env };
  delete env0.NEURITE_BACKEND;
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...env0, ...env } });
};

describe('without the native addon', () => {
  test('the default is WebAssembly, said once on stderr with the reason and the fix', () => {
    rmSync(join(root, 'build'), { recursive: true, force: true });
    const r = run();
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^wasm .* 2\n$/);
    expect(r.stderr).toBe('neurite: using the WebAssembly backend: the native addon was not built (it builds at npm install where a C++ compiler, make and Python are present; `npm rebuild neurite` retries)\n');
  });

  test('after a failed build at install (its log left) nothing is repeated; asking for native names the log', () => {
    mkdirSync(join(root, 'build'), { recursive: true });
    writeFileSync(join(root, 'build', 'native-build.log'), 'g++: not found\n');
    const quiet = run();
    expect(quiet.status).toBe(0);
    expect(quiet.stderr).toBe('');
    const forced = run({ NEURITE_BACKEND: 'native' });
    expect(forced.status).not.toBe(0);
    expect(forced.stderr).toContain(`nativeBackend: the native addon did not build at install (${join(root, 'build', 'native-build.log')} says why; \`npm rebuild neurite\` retries); use wasmBackend()`);
  });
});
