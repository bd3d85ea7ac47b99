/**
 * Runs a script against the built library (dist/) in headless Chromium and returns what it
 * returned. A local server serves the page, dist/ and csv-parse's browser build (mapped by an
 * import map), with the headers that make the page cross-origin isolated unless told otherwise;
 * the page posts its result back. Chromium comes from NEURITE_CHROMIUM or the PATH (`.ci/run`
 * installs Debian's `chromium`), else from the @sparticuz/chromium dev dependency (see
 * browser-setup.ts).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SERVED = ['dist/', 'node_modules/csv-parse/dist/esm/'];
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.html': 'text/html', '.json': 'application/json' };

const CANDIDATES = [
  process.env.NEURITE_CHROMIUM === 'none' || process.env.NEURITE_CHROMIUM === 'bundled' ? undefined : process.env.NEURITE_CHROMIUM, 'chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable',
  '/usr/bin/chromium', '/usr/bin/google-chrome', '/snap/bin/chromium', '/opt/google/chrome/chrome',
].filter((c): c is string => !!c);

/** Where the global setup (browser-setup.ts) says the bundled Chromium lies. */
export const BUNDLED_ENV = 'NEURITE_BUNDLED_CHROMIUM';

/** A browser to launch: its absolute path, and what it needs in its arguments and environment. */
export interface Chromium {
  path: string;
  /** 'system' (the PATH, the usual places or NEURITE_CHROMIUM) or 'bundled' (@sparticuz/chromium). */
  source: 'system' | 'bundled';
  env: Record<string, string>;
  args: string[];
}

/** A Chromium or Chrome installed here (NEURITE_CHROMIUM first, then the PATH and the usual places), or null. */
export function systemChromium(): string | null {
  for (const c of CANDIDATES) {
    if (spawnSync(c, ['--version'], { stdio: 'ignore' }).status !== 0) continue;
    if (c.includes('/')) return c;
    for (const dir of (process.env.PATH ?? '').split(':')) {
      const p = join(dir, c);
      if (dir !== '' && existsSync(p)) return p;
    }
  }
  return null;
}

/**
 * The browser the tests use: a system one, else the one the @sparticuz/chromium dev dependency
 * ships (unpacked by the global setup), else null. NEURITE_CHROMIUM=none acts as a machine
 * without any; NEURITE_CHROMIUM=bundled skips the system's.
 */
export function chromiumOrNull(): Chromium | null {
  if (process.env.NEURITE_CHROMIUM === 'none') return null;
  const system = process.env.NEURITE_CHROMIUM === 'bundled' ? null : systemChromium();
  if (system !== null) return { path: system, source: 'system', env: {}, args: [] };
  const bundled = process.env[BUNDLED_ENV];
  if (bundled === undefined) return null;
  const b = JSON.parse(bundled) as { path: string; libs: string; fonts: string };
  if (!existsSync(b.path)) return null;
  // None of the package's own arguments: they are for AWS Lambda (one process, web security
  // off), and with them a page is never cross-origin isolated.
  return {
    path: b.path, source: 'bundled', args: [],
    env: { LD_LIBRARY_PATH: [b.libs, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'), FONTCONFIG_PATH: b.fonts },
  };
}

/** Why there is no browser, and how to get one. */
export const NO_CHROMIUM = `browser tests need Chromium or Chrome (tried ${CANDIDATES.join(', ')}, then the one in the @sparticuz/chromium dev dependency): apt-get install chromium, or set NEURITE_CHROMIUM to its path`;

/** playwright-core's launch options for `c`. */
export function launchOptions(c: Chromium): { executablePath: string; args: string[]; env: Record<string, string> } {
  return { executablePath: c.path, args: [...c.args, '--no-sandbox', '--disable-dev-shm-usage'], env: { ...(process.env as Record<string, string>), ...c.env } };
}

export function findChromium(): Chromium {
  const c = chromiumOrNull();
  if (c === null) throw new Error(NO_CHROMIUM);
  return c;
}

export interface PageOptions {
  /** Serve with Cross-Origin-Opener-Policy and -Embedder-Policy (default true). */
  isolated?: boolean;
  /** Extra response headers for the page (e.g. a Content-Security-Policy). */
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export interface PageResult<T> {
  value: T;
  /** What the page printed with console.warn. */
  warnings: string[];
}

const page = (body: string): string => `<!doctype html>
<meta charset="utf-8">
<script type="importmap">{ "imports": { "csv-parse/sync": "/node_modules/csv-parse/dist/esm/sync.js" } }</script>
<script type="module">
const warnings = [];
const warn = console.warn;
console.warn = (...args) => { warnings.push(args.join(' ')); warn(...args); };
const post = (r) => fetch('/result', { method: 'POST', body: JSON.stringify(r) });
try {
  const value = await (async () => {
${body}
  })();
  await post({ ok: true, value, warnings });
} catch (e) {
  await post({ ok: false, error: String(e && e.stack || e), warnings });
}
</script>
`;

/** Runs `body` (the body of an async function; its return value must be JSON) in a page. */
export async function runInChromium<T>(body: string, options: PageOptions = {}): Promise<PageResult<T>> {
  const chromium = findChromium();
  const isolation = options.isolated ?? true ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } : {};
  let settle!: (r: { ok: boolean; value?: T; error?: string; warnings: string[] }) => void;
  const result = new Promise<{ ok: boolean; value?: T; error?: string; warnings: string[] }>((r) => (settle = r));
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'POST' && url.pathname === '/result') {
      let data = '';
      req.on('data', (c) => (data += c));
      req.on('end', () => {
        res.end('ok');
        settle(JSON.parse(data));
      });
      return;
    }
    const headers = { ...isolation, 'Cache-Control': 'no-store' };
    if (url.pathname === '/') {
      res.writeHead(200, { ...headers, ...options.headers, 'Content-Type': 'text/html' });
      res.end(page(body));
      return;
    }
    const rel = normalize(decodeURIComponent(url.pathname)).replace(/^\/+/, '');
    if (!SERVED.some((p) => rel.startsWith(p))) {
      res.writeHead(404).end();
      return;
    }
    try {
      const data = readFileSync(join(ROOT, rel));
      res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(rel)] ?? 'application/octet-stream' });
      res.end(data);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const profile = mkdtempSync(join(tmpdir(), 'neurite-chromium-'));
  const child = spawn(chromium.path, [...chromium.args, '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--no-default-browser-check', `--user-data-dir=${profile}`, `http://127.0.0.1:${port}/`], { stdio: ['ignore', 'ignore', 'pipe'], detached: true, env: { ...process.env, ...chromium.env } });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr = (stderr + c).slice(-4000)));
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the page sent no result within ${options.timeoutMs ?? 60_000} ms; chromium said:\n${stderr}`)), options.timeoutMs ?? 60_000);
    });
    const exited = new Promise<never>((_, reject) => child.on('exit', (code) => reject(new Error(`chromium exited (${code}) before the page sent a result:\n${stderr}`))));
    const r = await Promise.race([result, timeout, exited]);
    // The page's stack is shown as text (test runners would try to map its URLs to files).
    if (!r.ok) throw new Error(`the page threw: ${r.error!.replace(/http:\/\/127\.0\.0\.1:\d+\//g, '').replace(/^\s*at /gm, '  in ')}`);
    return { value: r.value as T, warnings: r.warnings };
  } finally {
    clearTimeout(timer);
    // Chromium's helper processes share its process group: end them all.
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      process.kill(-child.pid!, 'SIGKILL');
      await gone;
    }
    server.close();
    rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
  }
}
