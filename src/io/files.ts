/**
 * File access for saving and loading (Node): atomic writes — a temporary file in the same
 * directory, then a rename, so a crash leaves the previous file intact — and reads that check
 * a file's size against a limit before reading it.
 */
export async function fsModules(): Promise<{ fs: typeof import('node:fs/promises'); path: typeof import('node:path') }> {
  return { fs: await import('node:fs/promises'), path: await import('node:path') };
}

/** Writes `data` to `file` and flushes it to the disk (fsync), so a power cut cannot leave it half written once renamed. */
async function writeDurable(file: string, data: Uint8Array | string): Promise<void> {
  const { fs } = await fsModules();
  const h = await fs.open(file, 'w');
  try {
    await h.writeFile(data);
    await h.sync();
  } finally {
    await h.close();
  }
}

/** Flushes a directory's entries (the renames in it), where the platform allows. */
async function syncDir(dir: string): Promise<void> {
  const { fs } = await fsModules();
  try {
    const h = await fs.open(dir, 'r');
    try {
      await h.sync();
    } finally {
      await h.close();
    }
  } catch {
    // Some platforms cannot open or sync a directory; the renames are still atomic.
  }
}

function tempName(path: typeof import('node:path'), file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
}

/** Where the previous version of `file` waits while a save replaces it (see writeAtomicGroup). */
export function previousVersion(path: typeof import('node:path'), file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.prev`);
}

/** Writes `data` to `file` through a flushed temporary file and a rename. */
export async function writeAtomic(file: string, data: Uint8Array | string): Promise<void> {
  const { fs, path } = await fsModules();
  // What a killed write of this file left behind goes first.
  await removeStaleTemps(path.dirname(file), [path.basename(file)]);
  const tmp = tempName(path, file);
  try {
    await writeDurable(tmp, data);
    await fs.rename(tmp, file);
    await syncDir(path.dirname(file));
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
}

/** Reads a whole file after checking it exists and is at most `maxBytes` long. */
export async function readChecked(file: string, maxBytes: number, what = 'file'): Promise<Uint8Array> {
  const { fs } = await fsModules();
  let size: number;
  try {
    const st = await fs.stat(file);
    if (!st.isFile()) throw new Error(`${file}: not a file`);
    size = st.size;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`${file}: no such ${what}`);
    throw e;
  }
  if (size > maxBytes) throw new Error(`${file}: ${size} bytes is more than this ${what} can be (${maxBytes} bytes)`);
  return new Uint8Array(await fs.readFile(file));
}

/** `file://dir` or a plain path → the path. */
export function pathFromUrl(url: string): string {
  return url.startsWith('file://') ? url.slice('file://'.length) : url;
}

/**
 * Writes several files as one save, the last of them (model.json) the commit point. Every
 * temporary is written and flushed first; each file being replaced is first renamed to its
 * `.prev` name, then the new one renamed in, and the last file renamed in commits the save;
 * only then are the `.prev` files removed. Killed at any moment, the directory holds either the
 * new save, or the old model.json with its weights in place or in `.prev` (which the loader
 * falls back to when the checksum says so). Temporaries a killed save left are removed by the next.
 */
export async function writeAtomicGroup(files: ReadonlyArray<readonly [string, Uint8Array | string]>): Promise<void> {
  const { fs, path } = await fsModules();
  const dirs = [...new Set(files.map(([f]) => path.dirname(f)))];
  for (const dir of dirs) await removeStaleTemps(dir, files.map(([f]) => path.basename(f)));
  const temps: Array<[string, string]> = [];
  try {
    for (const [file, data] of files) {
      const tmp = tempName(path, file);
      temps.push([tmp, file]);
      await writeDurable(tmp, data);
    }
    for (const [tmp, file] of temps.slice(0, -1)) {
      await fs.rename(file, previousVersion(path, file)).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
      });
      await fs.rename(tmp, file);
    }
    const [lastTmp, last] = temps[temps.length - 1]!;
    await fs.rename(lastTmp, last);
    for (const dir of dirs) await syncDir(dir);
  } catch (e) {
    await Promise.all(temps.map(([tmp]) => fs.rm(tmp, { force: true })));
    throw e;
  }
  await Promise.all(files.slice(0, -1).map(([file]) => fs.rm(previousVersion(path, file), { force: true })));
}

/** Removes temporaries of these files left by saves that were killed (their process is gone). */
export async function removeStaleTemps(dir: string, names: readonly string[]): Promise<void> {
  const { fs, path } = await fsModules();
  let entries: string[];
  try {
    entries = await fs.readdir(dir);
  } catch {
    return;
  }
  for (const e of entries) {
    const m = /^\.(.+)\.(\d+)\.\d+\.tmp$/.exec(e);
    if (m === null || !names.includes(m[1]!)) continue;
    const pid = Number(m[2]);
    let alive = pid === process.pid;
    if (!alive) {
      try {
        process.kill(pid, 0);
        alive = true;
      } catch {
        alive = false;
      }
    }
    if (!alive) await fs.rm(path.join(dir, e), { force: true });
  }
}

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 (IEEE), to tie model.json to the weight bytes it was saved with. */
export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
