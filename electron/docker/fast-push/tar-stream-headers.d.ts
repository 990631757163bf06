/**
 * Types for tar-stream's header module (`tar-stream/headers`, shipped in the package and used by its
 * own `extract`; @types/tar-stream declares only the streams). tar-reader.ts decodes header blocks
 * with it rather than with a second copy of the tar header format.
 */
declare module 'tar-stream/headers' {
  import type { Headers } from 'tar-stream';

  /** A 512-byte header block; null for a zero block; throws on a bad checksum or an unknown format. */
  export function decode(
    block: Buffer,
    filenameEncoding: string,
    allowUnknownFormat: boolean,
  ): Headers | null;
  /** A PAX record's key=value pairs. */
  export function decodePax(data: Buffer): Record<string, string>;
  /** A GNU long name or link record. */
  export function decodeLongPath(data: Buffer, encoding: string): string;
}
