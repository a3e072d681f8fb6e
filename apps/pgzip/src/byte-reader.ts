/**
 * Reads a stream of chunks as a byte sequence: whole chunks for bulk data,
 * single bytes for headers, and bytes handed back (`unread`) when a consumer
 * took more than it used (an inflater that stopped at the end of a member).
 */
export class ByteReader {
  private readonly chunks: AsyncIterator<Buffer>;
  private pending: Buffer[] = [];
  private done = false;
  /** Bytes taken so far, less those handed back. */
  offset = 0;

  constructor(source: AsyncIterable<Buffer | string>) {
    const iterator = source[Symbol.asyncIterator]();
    this.chunks = {
      next: async (): Promise<IteratorResult<Buffer>> => {
        const r = await iterator.next();
        if (r.done === true) return { done: true, value: undefined };
        return { done: false, value: typeof r.value === 'string' ? Buffer.from(r.value) : r.value };
      },
      return: async (): Promise<IteratorResult<Buffer>> => {
        await iterator.return?.();
        return { done: true, value: undefined };
      },
    };
  }

  /** The next bytes (a whole chunk, or what was handed back), or undefined at the end. */
  async chunk(): Promise<Buffer | undefined> {
    let next = this.pending.pop();
    while (next === undefined && !this.done) {
      const r = await this.chunks.next();
      if (r.done === true) this.done = true;
      else if (r.value.length > 0) next = r.value;
    }
    if (next !== undefined) this.offset += next.length;
    return next;
  }

  /** Hands back the unused end of the last chunk taken. */
  unread(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.pending.push(bytes);
    this.offset -= bytes.length;
  }

  /** One byte, or undefined at the end. */
  async byte(): Promise<number | undefined> {
    const c = await this.chunk();
    if (c === undefined) return undefined;
    this.unread(c.subarray(1));
    return c[0];
  }

  /** Exactly `n` bytes, or fewer at the end. */
  async bytes(n: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    let have = 0;
    while (have < n) {
      const c = await this.chunk();
      if (c === undefined) break;
      const take = c.subarray(0, n - have);
      this.unread(c.subarray(take.length));
      parts.push(take);
      have += take.length;
    }
    return parts.length === 1 ? parts[0] : Buffer.concat(parts);
  }

  /** Stops reading the source (closes a file stream early). */
  async close(): Promise<void> {
    if (!this.done) {
      this.done = true;
      await this.chunks.return?.();
    }
  }
}
