/**
 * IDX, MNIST's file format: a big-endian header — two zero bytes, a type code (0x08 = unsigned
 * byte), the number of dimensions — then one 32-bit big-endian size per dimension, then the
 * values row-major. MNIST images use magic 2051 (0x00000803: ubyte, 3 dims), labels 2049
 * (0x00000801: ubyte, 1 dim). The header is checked against the file's length before
 * anything is allocated.
 */

export interface IdxData {
  /** Sizes of each dimension, outermost first. */
  dims: number[];
  /** The values (a view into the file's bytes, no copy). */
  data: Uint8Array;
}

/** Parses an unsigned-byte IDX file. `file` names it in error messages. */
export function parseIdx(bytes: Uint8Array, file = 'IDX data', expectedMagic?: number): IdxData {
  if (bytes.length < 4) throw new Error(`${file}: not an IDX file: ${bytes.length} bytes, shorter than the 4-byte header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  if (expectedMagic !== undefined && magic !== expectedMagic) {
    throw new Error(`${file}: bad magic number ${magic} (expected ${expectedMagic})`);
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) throw new Error(`${file}: not an IDX file: the first two bytes must be zero (magic ${magic})`);
  if (bytes[2] !== 0x08) throw new Error(`${file}: unsupported IDX type code 0x${bytes[2]!.toString(16)} (only 0x08, unsigned byte, is supported)`);
  const rank = bytes[3]!;
  if (rank === 0) throw new Error(`${file}: IDX header declares 0 dimensions`);
  const headerLength = 4 + 4 * rank;
  if (bytes.length < headerLength) throw new Error(`${file}: truncated header: ${rank} dimensions need ${headerLength} bytes, the file has ${bytes.length}`);
  const dims: number[] = [];
  let count = 1;
  for (let i = 0; i < rank; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    dims.push(d);
    count *= d;
  }
  const available = bytes.length - headerLength;
  if (count !== available) {
    throw new Error(`${file}: the header's dimensions [${dims.join(', ')}] need ${count} bytes of data, the file has ${available}`);
  }
  return { dims, data: bytes.subarray(headerLength) };
}

/** Writes an unsigned-byte IDX file (for tests and tools). */
export function encodeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}
