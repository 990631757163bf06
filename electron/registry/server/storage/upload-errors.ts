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

/** A client holds as many open uploads as it may; one must finish, be cancelled or go stale first. */
export class UploadLimitReached extends Error {
  constructor(
    /** Uploads the client has open. */
    readonly open: number,
    /** When an idle one of them could be swept to make room. */
    readonly retryAfterMs: number,
  ) {
    super(`too many uploads in progress from this client (${open}); finish or cancel some first`);
    this.name = 'UploadLimitReached';
  }
}
