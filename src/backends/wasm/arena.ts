/**
 * First-fit allocator over the kernel module's linear memory: long-lived buffers (weights,
 * optimizer state, a compiled step's storage) and the scratch and staging regions of the
 * products. Allocations are rare (a program is compiled once per batch size), so a sorted free list
 * with coalescing is enough. The memory grows when nothing fits; it never shrinks, but freed
 * blocks are reused.
 */

const ALIGN = 16;
const PAGE = 65536;

export class Arena {
  /** Free blocks, sorted by address, never adjacent (coalesced). */
  private readonly free: Array<{ ptr: number; size: number }> = [];
  /** Sizes of live allocations by address. */
  private readonly live = new Map<number, number>();

  /**
   * `base`: the first byte the allocator may use; `end`: the memory's current size;
   * `grow(pages)`: grows the memory (the allocator then owns the new pages).
   */
  constructor(base: number, private end: number, private readonly grow: (pages: number) => void) {
    const start = Math.ceil(base / ALIGN) * ALIGN;
    if (start < end) this.free.push({ ptr: start, size: end - start });
  }

  /** Bytes in live allocations. */
  get used(): number {
    let n = 0;
    for (const size of this.live.values()) n += size;
    return n;
  }

  /** A block of at least `bytes` (16-aligned address); not zeroed. */
  alloc(bytes: number): number {
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    for (let i = 0; i < this.free.length; i++) {
      const b = this.free[i]!;
      if (b.size < size) continue;
      const ptr = b.ptr;
      if (b.size === size) this.free.splice(i, 1);
      else {
        b.ptr += size;
        b.size -= size;
      }
      this.live.set(ptr, size);
      return ptr;
    }
    // Nothing fits: grow by what is missing beyond a free block that ends at the memory's end.
    const last = this.free[this.free.length - 1];
    const tail = last !== undefined && last.ptr + last.size === this.end ? last.size : 0;
    const pages = Math.ceil((size - tail) / PAGE);
    this.grow(pages);
    const added = { ptr: this.end, size: pages * PAGE };
    this.end += pages * PAGE;
    this.insert(added);
    return this.alloc(bytes);
  }

  /** Returns a block from alloc(); freeing anything else throws. */
  release(ptr: number): void {
    const size = this.live.get(ptr);
    if (size === undefined) throw new Error(`arena: ${ptr} is not an allocated block`);
    this.live.delete(ptr);
    this.insert({ ptr, size });
  }

  private insert(block: { ptr: number; size: number }): void {
    let i = 0;
    while (i < this.free.length && this.free[i]!.ptr < block.ptr) i++;
    this.free.splice(i, 0, block);
    // Coalesce with the next, then with the previous.
    const next = this.free[i + 1];
    if (next !== undefined && block.ptr + block.size === next.ptr) {
      block.size += next.size;
      this.free.splice(i + 1, 1);
    }
    const prev = this.free[i - 1];
    if (prev !== undefined && prev.ptr + prev.size === block.ptr) {
      prev.size += block.size;
      this.free.splice(i, 1);
    }
  }
}
