// Builds the native backend's C++ addon (native/, binding.gyp) with node-gyp against the headers
// that ship with the running Node, so nothing is downloaded. Runs at `npm ci` / `npm install`
// (the `install` script) and by hand as `npm run build:native`. Optional by design: where there
// is no compiler (or the build fails) it says so, leaves no addon, and exits 0; neurite then
// uses its WebAssembly backend. NEURITE_SKIP_NATIVE=1 skips the build.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const addon = join(root, 'build', 'Release', 'neurite_native.node');
const log = join(root, 'build', 'native-build.log');
const say = (line) => process.stderr.write(`neurite: ${line}\n`);

if (process.env.NEURITE_SKIP_NATIVE === '1') {
  say('NEURITE_SKIP_NATIVE=1: the native backend is not built; neurite will use WebAssembly');
  process.exit(0);
}

/** node-gyp: the one npm runs scripts with, else the copy bundled with npm beside this Node. */
function findNodeGyp() {
  const candidates = [process.env.npm_config_node_gyp, join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')];
  try {
    candidates.push(createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js'));
  } catch { /* not installed as a package */ }
  return candidates.find((c) => c !== undefined && c !== '' && existsSync(c));
}

const gyp = findNodeGyp();
if (gyp === undefined) {
  say('node-gyp was not found (it ships with npm); the native backend is not built, neurite will use WebAssembly');
  process.exit(0);
}
// The headers of the running Node: its own prefix when it has them (include/node/node_api.h).
const prefix = join(dirname(process.execPath), '..');
const nodedir = process.env.npm_config_nodedir || (existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? prefix : undefined);
const args = [gyp, 'rebuild', ...(nodedir === undefined ? [] : [`--nodedir=${nodedir}`])];
rmSync(addon, { force: true });
const run = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', env: { ...process.env, npm_config_offline: 'true' } });
mkdirSync(dirname(log), { recursive: true });
writeFileSync(log, `${process.execPath} ${args.join(' ')}\n\n${run.stdout ?? ''}\n${run.stderr ?? ''}\n${run.error ? String(run.error) : ''}`);
if (run.status === 0 && existsSync(addon)) {
  say(`native backend built (${addon})`);
} else {
  const why = (run.stderr ?? '').split('\n').filter((l) => /error|not found|No such file/i.test(l)).slice(0, 3).join(' | ') || `node-gyp exited with ${run.status}`;
  say(`the native backend did not build (${why}); neurite will use WebAssembly. Full log: ${log}. It needs a C++ compiler, make and Python (Debian: apt-get install g++ make python3); then run \`npm rebuild neurite\`.`);
}
