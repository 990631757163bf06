/**
 * What the upload store refuses, in its own terms. Storage knows nothing of HTTP: the HTTP edge
 * (http/upload-handlers.ts) turns these into statuses and headers.
 */

/** A chunk does not start where the upload's acknowledged bytes end. */
export class UploadOffsetMismatch extends Error {
  constructor(
    readonly uuid: string,
    /** Bytes the upload holds: where the next chunk must start. */
    readonly offset: number,
    /** Where the refused chunk said it starts. */
    readonly start: number,
  ) {
    super(`chunk starts at ${start} but the upload has ${offset} bytes`);
    this.name = 'UploadOffsetMismatch';
  }
}
