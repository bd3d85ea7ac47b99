/**
 * File access for saving and loading (Node): atomic writes — a temporary file in the same
 * directory, then a rename, so a crash leaves the previous file intact — and reads that check
 * a file's size against a limit before reading it.
 */
export async function fsModules(): Promise<{ fs: typeof import('node:fs/promises'); path: typeof import('node:path') }> {
  return { fs: await import('node:fs/promises'), path: await import('node:path') };
}

/** Writes `data` to `file` through a temporary file and a rename. */
export async function writeAtomic(file: string, data: Uint8Array | string): Promise<void> {
  const { fs, path } = await fsModules();
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await fs.writeFile(tmp, data);
    await fs.rename(tmp, file);
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
 * Writes several files as one save: every temporary file is written first (a crash there
 * leaves all previous files intact), then they are renamed into place back to back. On error
 * the temporaries are removed.
 */
export async function writeAtomicGroup(files: ReadonlyArray<readonly [string, Uint8Array | string]>): Promise<void> {
  const { fs, path } = await fsModules();
  const temps: Array<[string, string]> = [];
  try {
    for (const [file, data] of files) {
      const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
      temps.push([tmp, file]);
      await fs.writeFile(tmp, data);
    }
    for (const [tmp, file] of temps) await fs.rename(tmp, file);
  } catch (e) {
    await Promise.all(temps.map(([tmp]) => fs.rm(tmp, { force: true })));
    throw e;
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
