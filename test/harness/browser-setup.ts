/**
 * Vitest global setup: on a machine without a Chromium or Chrome of its own (a fresh one:
 * nothing but Node and npm), unpack the one the @sparticuz/chromium dev dependency ships inside
 * its package (brotli-compressed: the browser, its fonts, and the NSS, NSPR and expat libraries
 * it links against) into the temp folder, once, before the test files start, and tell them
 * where it is (NEURITE_BUNDLED_CHROMIUM). Nothing is downloaded. NEURITE_CHROMIUM=bundled uses
 * it even where a system browser exists; NEURITE_CHROMIUM=none acts as a machine without any.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { BUNDLED_ENV, systemChromium } from './chromium.js';

export default async function setup(): Promise<void> {
  const wanted = process.env.NEURITE_CHROMIUM;
  if (wanted === 'none' || (wanted !== 'bundled' && (wanted !== undefined || systemChromium() !== null))) return;
  try {
    const { default: chromium } = await import('@sparticuz/chromium');
    const path = await chromium.executablePath();
    // The package unpacks its own libraries only on AWS Lambda; elsewhere we do.
    const libs = join(tmpdir(), 'al2023');
    if (!existsSync(join(libs, 'lib', 'libnss3.so'))) {
      let root = dirname(createRequire(import.meta.url).resolve('@sparticuz/chromium'));
      while (!existsSync(join(root, 'bin', 'al2023.tar.br')) && dirname(root) !== root) root = dirname(root);
      const archive = join(root, 'bin', 'al2023.tar.br');
      mkdirSync(libs, { recursive: true });
      const untar = spawnSync('tar', ['-x', '-C', libs], { input: brotliDecompressSync(readFileSync(archive)) });
      if (untar.status !== 0) throw new Error(`tar could not unpack ${archive}: ${untar.stderr}`);
    }
    process.env[BUNDLED_ENV] = JSON.stringify({ path, libs: join(libs, 'lib'), fonts: join(tmpdir(), 'fonts') });
  } catch (e) {
    console.warn(`\n*** the Chromium bundled in @sparticuz/chromium could not be unpacked: ${(e as Error).message} ***\n`);
  }
}
