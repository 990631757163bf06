/**
 * The checks a pushed manifest passes before anything else reads it, so that no request body can
 * exhaust the registry's memory and nothing stored can break a later read (referrers, GC, listings):
 * - its JSON shape is scanned byte by byte first (nesting depth, number of objects), so hostile input
 *   never reaches `JSON.parse`;
 * - the request's Content-Type must name a manifest media type the registry stores, matching the
 *   body's own `mediaType` where it has one (every client sends it: docker, containerd, skopeo,
 *   podman, crane, oras);
 * - every field the OCI image spec types is checked against that type: descriptors, platforms,
 *   `annotations` (a map of strings), `artifactType` and media types (RFC 6838), `urls`.
 * Stored manifests are read back with the lenient `parseManifest`: they passed these checks, or an
 * older registry's, and must stay readable either way.
 */
import { registryError } from './errors';
import {
  FOREIGN_LAYER_TYPES,
  isManifestMediaType,
  type ManifestInfo,
  parseManifest,
} from './manifest-format';

/**
 * Deepest nesting accepted. A manifest's real depth is 4 (manifest → layers → descriptor →
 * platform → os.features); 32 leaves room for any extension while a depth bomb is refused before
 * it is parsed (distribution's Go decoder stops at 10,000, after building every level).
 */
export const MAX_MANIFEST_DEPTH = 32;
/**
 * Most descriptors (layers, or an index's manifests) one manifest may list. Runtimes stack at most
 * 128 layers (overlayfs' limit, so Docker refuses more than 127) and real indexes list one manifest
 * per platform (dozens); OCI artifacts with a file per layer stay far below a thousand too. Each
 * listed blob costs a storage check, so a manifest listing tens of thousands is refused unread.
 */
export const MAX_MANIFEST_DESCRIPTORS = 1000;
/**
 * Most JSON objects a manifest may hold: each descriptor is at most three (itself, its platform,
 * its annotations), plus the manifest, config, subject and their annotations.
 */
const MAX_MANIFEST_OBJECTS = 3 * MAX_MANIFEST_DESCRIPTORS + 16;

/** RFC 6838 type/subtype, as the image spec's schema writes it (parameters are not part of it). */
const MEDIA_TYPE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/;

function invalid(message: string): never {
  throw registryError('MANIFEST_INVALID', message);
}

/**
 * Scans JSON text without parsing it, as it arrives: refuses nesting deeper than `maxDepth` and more
 * than `maxObjects` objects. Strings (and the brackets inside them) are skipped; anything that isn't
 * JSON is left for the parser to refuse. Fed chunk by chunk while a body streams in, it refuses a
 * hostile manifest before the rest of it is read.
 */
export class JsonShapeScanner {
  private depth = 0;
  private objects = 0;
  private inString = false;
  /** The last byte of the previous chunk was a backslash inside a string. */
  private escaped = false;

  constructor(
    private readonly maxDepth: number,
    private readonly maxObjects: number,
  ) {}

  /** Scans the next bytes; throws MANIFEST_INVALID once a limit is passed. */
  feed(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    let i = 0;
    if (this.escaped) {
      this.escaped = false;
      i = 1;
    }
    for (; i < bytes.length; i += 1) {
      const byte = bytes[i];
      if (this.inString) {
        if (byte === 0x5c) {
          // A backslash: the next byte is escaped, whatever it is (maybe in the next chunk).
          if (i + 1 === bytes.length) this.escaped = true;
          i += 1;
        } else if (byte === 0x22) this.inString = false;
        continue;
      }
      if (byte === 0x22) this.inString = true;
      else if (byte === 0x7b || byte === 0x5b) {
        this.depth += 1;
        if (this.depth > this.maxDepth) invalid(`manifest nests deeper than ${this.maxDepth} levels`);
        if (byte === 0x7b && ++this.objects > this.maxObjects)
          invalid(
            `manifest holds more than ${this.maxObjects} objects (a manifest may list at most ${MAX_MANIFEST_DESCRIPTORS} descriptors)`,
          );
      } else if (byte === 0x7d || byte === 0x5d) this.depth -= 1;
    }
  }
}

/** Scans whole JSON text (see JsonShapeScanner). */
export function checkJsonShape(bytes: Uint8Array, maxDepth: number, maxObjects: number): void {
  new JsonShapeScanner(maxDepth, maxObjects).feed(bytes);
}

/** A scanner with the limits a pushed manifest is held to, for a body as it streams in. */
export function manifestShapeScanner(): JsonShapeScanner {
  return new JsonShapeScanner(MAX_MANIFEST_DEPTH, MAX_MANIFEST_OBJECTS);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkMediaType(value: unknown, where: string): void {
  if (typeof value !== 'string' || !MEDIA_TYPE_PATTERN.test(value))
    invalid(`${where} must be a media type (type/subtype)`);
}

function checkOptionalString(value: unknown, where: string): void {
  if (value !== undefined && typeof value !== 'string') invalid(`${where} must be a string`);
}

function checkStringArray(value: unknown, where: string): void {
  if (value === undefined) return;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string'))
    invalid(`${where} must be an array of strings`);
}

/** `annotations`: a map of strings to strings, as the image spec types it. */
function checkAnnotations(value: unknown, where: string): void {
  if (value === undefined) return;
  if (!isObject(value)) invalid(`${where} must be a map of strings`);
  for (const [key, entry] of Object.entries(value))
    if (typeof entry !== 'string') invalid(`${where}[${JSON.stringify(key.slice(0, 60))}] must be a string`);
}

function checkPlatform(value: unknown, where: string): void {
  if (value === undefined) return;
  if (!isObject(value)) invalid(`${where} must be an object`);
  if (typeof value.architecture !== 'string' || typeof value.os !== 'string')
    invalid(`${where} needs os and architecture strings`);
  checkOptionalString(value['os.version'], `${where}.os.version`);
  checkOptionalString(value.variant, `${where}.variant`);
  checkStringArray(value['os.features'], `${where}.os.features`);
  checkStringArray(value.features, `${where}.features`);
}

function checkUrls(value: unknown, where: string): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) invalid(`${where} must be an array of http(s) URLs`);
  for (const url of value as unknown[]) {
    let protocol = '';
    try {
      protocol = typeof url === 'string' ? new URL(url).protocol : '';
    } catch {
      protocol = '';
    }
    if (protocol !== 'http:' && protocol !== 'https:') invalid(`${where} must be an array of http(s) URLs`);
  }
}

/** A descriptor with the image spec's fields and types (digest and size are checked by parseManifest). */
function checkDescriptor(value: unknown, where: string, role: 'layer' | 'other'): void {
  if (!isObject(value)) invalid(`${where}: descriptor must be an object`);
  checkMediaType(value.mediaType, `${where}.mediaType`);
  if (value.artifactType !== undefined) checkMediaType(value.artifactType, `${where}.artifactType`);
  checkAnnotations(value.annotations, `${where}.annotations`);
  checkOptionalString(value.data, `${where}.data`);
  checkPlatform(value.platform, `${where}.platform`);
  checkUrls(value.urls, `${where}.urls`);
  if (value.urls !== undefined && (role !== 'layer' || !FOREIGN_LAYER_TYPES.has(value.mediaType as string)))
    invalid(`${where}: only layers of a non-distributable (foreign) media type may carry urls`);
}

function checkDescriptorList(value: unknown, where: string, role: 'layer' | 'other'): void {
  if (!Array.isArray(value)) return; // parseManifest says what is missing
  if (value.length > MAX_MANIFEST_DESCRIPTORS)
    invalid(`${where} lists ${value.length} descriptors; at most ${MAX_MANIFEST_DESCRIPTORS} are accepted`);
  value.forEach((descriptor, index) => checkDescriptor(descriptor, `${where}[${index}]`, role));
}

/**
 * The manifest media type a PUT's Content-Type names (parameters dropped). Missing, malformed, or
 * `application/json` (which says nothing of what the manifest is) is MANIFEST_INVALID; a well-formed
 * type of something that isn't a manifest the registry stores is UNSUPPORTED (415).
 */
export function pushedMediaType(contentType: string | undefined): string {
  if (!contentType) invalid('a manifest PUT needs a Content-Type naming the manifest media type');
  const type = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  if (isManifestMediaType(type)) return type;
  if (!MEDIA_TYPE_PATTERN.test(type) || type === 'application/json')
    invalid(`Content-Type ${JSON.stringify(contentType.slice(0, 100))} is not a manifest media type`);
  throw registryError('UNSUPPORTED', `unsupported manifest media type ${type}`, {
    status: 415,
    detail: { mediaType: type },
  });
}

/**
 * Validates a manifest as pushed (`bytes` with the request's `contentType`) and returns what the
 * registry needs of it; MANIFEST_INVALID for anything the spec doesn't allow.
 */
export function validatePushedManifest(bytes: Uint8Array, contentType: string | undefined): ManifestInfo {
  const headerType = pushedMediaType(contentType);
  checkJsonShape(bytes, MAX_MANIFEST_DEPTH, MAX_MANIFEST_OBJECTS);
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch {
    invalid('manifest is not valid JSON');
  }
  if (!isObject(body)) invalid('manifest must be a JSON object');
  if (body.mediaType !== undefined && body.mediaType !== headerType) {
    if (typeof body.mediaType === 'string' && !isManifestMediaType(body.mediaType))
      throw registryError('UNSUPPORTED', `unsupported manifest media type ${body.mediaType.slice(0, 100)}`, {
        status: 415,
        detail: { mediaType: body.mediaType.slice(0, 100) },
      });
    invalid(
      `mediaType ${JSON.stringify(body.mediaType).slice(0, 100)} does not match Content-Type ${headerType}`,
    );
  }
  if (body.artifactType !== undefined) checkMediaType(body.artifactType, 'artifactType');
  checkAnnotations(body.annotations, 'annotations');
  if (body.config !== undefined) checkDescriptor(body.config, 'config', 'other');
  if (body.subject !== undefined) checkDescriptor(body.subject, 'subject', 'other');
  checkDescriptorList(body.layers, 'layers', 'layer');
  checkDescriptorList(body.manifests, 'manifests', 'other');
  return parseManifest(bytes, headerType, body);
}
