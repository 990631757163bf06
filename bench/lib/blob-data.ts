/**
 * Benchmark payloads: one random buffer per size, generated once, and cheap distinct variants of it.
 * Variant i is the base with its last 8 bytes replaced by i, so every blob has its own digest while
 * the client neither holds nor hashes hundreds of megabytes per variant: the hash of the shared prefix
 * is computed once and copied.
 */
import { createHash, randomBytes, type Hash } from 'node:crypto';

const SUFFIX_BYTES = 8;

export class BlobFamily {
  readonly base: Buffer;
  private readonly prefixHash: Hash;
  private readonly digests = new Map<number, string>();

  constructor(readonly size: number) {
    this.base = randomBytes(size);
    this.prefixHash = createHash('sha256').update(this.base.subarray(0, size - SUFFIX_BYTES));
  }

  /** The last bytes of variant `index`. */
  suffix(index: number): Buffer {
    const suffix = Buffer.alloc(SUFFIX_BYTES);
    suffix.writeBigUInt64BE(BigInt(index));
    return suffix;
  }

  digest(index: number): string {
    let digest = this.digests.get(index);
    if (!digest) {
      digest = `sha256:${this.prefixHash.copy().update(this.suffix(index)).digest('hex')}`;
      this.digests.set(index, digest);
    }
    return digest;
  }

  /** The whole of variant `index` (a copy of the base: use for small sizes). */
  whole(index: number): Buffer {
    const data = Buffer.from(this.base);
    this.suffix(index).copy(data, this.size - SUFFIX_BYTES);
    return data;
  }

  /** Bytes [start, end) of variant `index`, copying only when the range touches the suffix. */
  slice(index: number, start: number, end: number): Buffer {
    const suffixStart = this.size - SUFFIX_BYTES;
    if (end <= suffixStart) return this.base.subarray(start, end);
    const data = Buffer.from(this.base.subarray(start, end));
    this.suffix(index).copy(data, Math.max(0, suffixStart - start), Math.max(0, start - suffixStart));
    return data;
  }
}
