// The package as a user installs it: what `npm pack` puts in, and both ways of loading it.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'neurite-pkg-'));
mkdirSync(join(dir, 'node_modules'));
symlinkSync(root, join(dir, 'node_modules', 'neurite'));

describe('the package', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('the tarball holds the build, the types, the LICENSE and the native sources it builds at install, not a binary', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
    const files = (JSON.parse(out) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path);
    for (const f of ['LICENSE', 'package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js']) expect(files).toContain(f);
    for (const f of ['binding.gyp', 'scripts/build-native.mjs', 'native/gemm.cc', 'native/addon.cc', 'native/pool.h']) expect(files).toContain(f);
    expect(files.some((f) => f.startsWith('src/') || f.startsWith('node_modules/') || f.startsWith('build/') || f.endsWith('.node'))).toBe(false);
  });

  test.each([
    ['import', "import('neurite').then((nt) => console.log(nt.tensor([1, 2]).sum().item()))"],
    // Node ≥ 20.19 loads the ES module build from require() (no top-level await in it).
    ['require', "console.log(require('neurite').tensor([1, 2]).sum().item())"],
  ])('loads by %s', (_how, code) => {
    const r = spawnSync(process.execPath, ['-e', code], { cwd: dir, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('3');
  });
});
