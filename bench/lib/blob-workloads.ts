/**
 * The registry workloads of the benchmark, as phases run the same way against either registry: blob uploads
 * (one PUT per blob, as `docker push` does, and chunked PATCHes), blob downloads, HEAD requests and
 * manifest PUT/GET latency. Every request's status is checked, and every blob and manifest
 * downloaded is checked against what was uploaded, so a fast wrong answer fails the run: each body
 * is hashed with SHA-256 as it arrives and compared with the digest asked for, as docker and
 * containerd do with what they pull. The measured downloads are hashed too (issue #25): a real
 * client spends a core on that while the server sends, so a server that costs more CPU per byte
 * served shows here as a slower download, as it does on a user's machine. (Comparing the bytes with
 * memcmp instead, a sixth of the cost, left the client idle enough to hide the server's cost.)
 * Manifest GETs also check the Docker-Content-Digest header. Uploads hash nothing in the clock:
 * their digests are computed before it starts.
 */
import { createHash } from 'node:crypto';
import type { BlobFamily } from './blob-data';
import { expectDigest, expectStatus, type HttpClient } from './http-client';
import { elapsedMs, megabytesPerSecond, percentile, runPool } from './measure';

export interface WorkloadPlan {
  small: BlobFamily;
  smallCount: number;
  smallConcurrency: number;
  large: BlobFamily;
  largeCount: number;
  largeConcurrency: number;
  chunkBytes: number;
  downloadRounds: number;
  headCount: number;
  manifestCount: number;
  manifestConcurrency: number;
}

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

/**
 * One measured step of the workload; each subject runs it in turn before the next step starts. A
 * phase may run for several rounds: round r uploads its own blobs (variants r × count + i) and
 * manifests, so no round finds the previous one's work already done.
 */
export interface WorkloadPhase {
  name: string;
  run(client: HttpClient, plan: WorkloadPlan, round: number): Promise<Record<string, number>>;
}

/**
 * The workload, in order. Later phases use blobs earlier ones uploaded (downloads and HEADs read the
 * uploaded blobs), so the order matters.
 */
export const WORKLOAD_PHASES: WorkloadPhase[] = [
  { name: 'warm-up', run: async (client, plan) => (await warmUp(client, plan), {}) },
  {
    name: 'monolithic upload',
    run: async (client, plan, round) => {
      const start = performance.now();
      await runPool(plan.smallCount, plan.smallConcurrency, (i) =>
        uploadWhole(client, 'bench/mono', plan.small, round * plan.smallCount + i),
      );
      return {
        monolithicUploadMBps: megabytesPerSecond(plan.smallCount * plan.small.size, elapsedMs(start)),
      };
    },
  },
  {
    name: 'chunked upload',
    run: async (client, plan, round) => {
      const start = performance.now();
      await runPool(plan.largeCount, plan.largeConcurrency, (i) =>
        uploadChunked(client, 'bench/chunked', plan.large, round * plan.largeCount + i, plan.chunkBytes),
      );
      return { chunkedUploadMBps: megabytesPerSecond(plan.largeCount * plan.large.size, elapsedMs(start)) };
    },
  },
  {
    name: 'download',
    run: async (client, plan) => {
      const start = performance.now();
      let downloaded = 0;
      await runPool(plan.largeCount * plan.downloadRounds, plan.largeConcurrency, async (i) => {
        const digest = plan.large.digest(i % plan.largeCount);
        const result = await client.request('GET', `/v2/bench/chunked/blobs/${digest}`, { sha256: true });
        expectStatus(result, 200, 'blob GET');
        if (result.bytes !== plan.large.size)
          throw new Error(`blob GET: ${result.bytes} bytes instead of ${plan.large.size}`);
        expectDigest(result, digest, `blob GET ${digest}`);
        downloaded += result.bytes;
      });
      return {
        downloadMBps: megabytesPerSecond(downloaded, elapsedMs(start)),
        downloadBytes: downloaded,
      };
    },
  },
  {
    name: 'HEAD',
    run: async (client, plan) => {
      const latencies: number[] = [];
      const start = performance.now();
      await runPool(plan.headCount, plan.smallConcurrency, async (i) => {
        const began = performance.now();
        const result = await client.request(
          'HEAD',
          `/v2/bench/mono/blobs/${plan.small.digest(i % plan.smallCount)}`,
        );
        latencies.push(elapsedMs(began));
        expectStatus(result, 200, 'blob HEAD');
      });
      return {
        headPerSecond: plan.headCount / (elapsedMs(start) / 1000),
        headP99Ms: percentile(latencies, 99),
      };
    },
  },
  { name: 'manifests', run: (client, plan, round) => manifestLatencies(client, plan, round) },
];

/** A few requests of each kind first, so neither side is measured while opening sockets or JIT-compiling. */
async function warmUp(client: HttpClient, plan: WorkloadPlan): Promise<void> {
  await runPool(16, plan.smallConcurrency, async (i) => {
    await uploadWhole(client, 'bench/warmup', plan.small, 1_000_000 + i);
    expectStatus(
      await client.request('HEAD', `/v2/bench/warmup/blobs/${plan.small.digest(1_000_000 + i)}`),
      200,
      'warm-up HEAD',
    );
    const digest = plan.small.digest(1_000_000 + i);
    const download = await client.request('GET', `/v2/bench/warmup/blobs/${digest}`, { sha256: true });
    expectStatus(download, 200, 'warm-up GET');
    expectDigest(download, digest, `warm-up GET ${digest}`);
  });
}

/** POST for a session, then one PUT with the whole blob and its digest: what `docker push` does. */
async function uploadWhole(
  client: HttpClient,
  repository: string,
  family: BlobFamily,
  index: number,
): Promise<void> {
  const session = await client.request('POST', `/v2/${repository}/blobs/uploads/`);
  expectStatus(session, 202, 'upload POST');
  const target = withDigest(session.headers.location, family.digest(index));
  const done = await client.request('PUT', target, {
    body: family.whole(index),
    headers: { 'content-type': 'application/octet-stream' },
  });
  expectStatus(done, 201, 'upload PUT');
}

/** POST, then PATCH chunk by chunk following each new Location, then an empty PUT with the digest. */
async function uploadChunked(
  client: HttpClient,
  repository: string,
  family: BlobFamily,
  index: number,
  chunkBytes: number,
): Promise<void> {
  const session = await client.request('POST', `/v2/${repository}/blobs/uploads/`);
  expectStatus(session, 202, 'upload POST');
  let location = session.headers.location;
  for (let offset = 0; offset < family.size; offset += chunkBytes) {
    const end = Math.min(family.size, offset + chunkBytes);
    if (!location) throw new Error('upload: no Location header');
    const patched = await client.request('PATCH', location, {
      body: family.slice(index, offset, end),
      headers: { 'content-type': 'application/octet-stream', 'content-range': `${offset}-${end - 1}` },
    });
    expectStatus(patched, 202, 'upload PATCH');
    location = patched.headers.location;
  }
  const done = await client.request('PUT', withDigest(location, family.digest(index)));
  expectStatus(done, 201, 'upload PUT');
}

/** The upload's Location (absolute or a path; it may carry its own state parameters) plus `digest`. */
function withDigest(location: string | undefined, digest: string): string {
  if (!location) throw new Error('upload: no Location header');
  const url = new URL(location, 'http://relative.invalid');
  url.searchParams.set('digest', digest);
  return url.host === 'relative.invalid' ? `${url.pathname}${url.search}` : url.toString();
}

/** PUT distinct manifests (tag per manifest) and GET them back by tag; p99 of each. */
async function manifestLatencies(
  client: HttpClient,
  plan: WorkloadPlan,
  round: number,
): Promise<Record<string, number>> {
  const repository = 'bench/manifests';
  const config = Buffer.from(
    JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }),
  );
  const configDigest = await uploadBytes(client, repository, config);
  await uploadWhole(client, repository, plan.small, 0);
  const manifestFor = (i: number): Buffer =>
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: {
          mediaType: 'application/vnd.oci.image.config.v1+json',
          digest: configDigest,
          size: config.length,
        },
        layers: [
          {
            mediaType: 'application/vnd.oci.image.layer.v1.tar',
            digest: plan.small.digest(0),
            size: plan.small.size,
          },
        ],
        annotations: { 'org.example.bench.index': `${round}.${i}` },
      }),
    );

  // Built before the clock: the GETs below are checked against them.
  const manifests = Array.from({ length: plan.manifestCount }, (_, i) => manifestFor(i));
  const digests = manifests.map((body) => `sha256:${createHash('sha256').update(body).digest('hex')}`);
  const putLatencies: number[] = [];
  await runPool(plan.manifestCount, plan.manifestConcurrency, async (i) => {
    const body = manifests[i]!;
    const began = performance.now();
    const result = await client.request('PUT', `/v2/${repository}/manifests/r${round}m${i}`, {
      body,
      headers: { 'content-type': OCI_MANIFEST },
    });
    putLatencies.push(elapsedMs(began));
    expectStatus(result, 201, 'manifest PUT');
  });

  const getLatencies: number[] = [];
  await runPool(plan.manifestCount, plan.manifestConcurrency, async (i) => {
    const began = performance.now();
    const result = await client.request('GET', `/v2/${repository}/manifests/r${round}m${i}`, {
      headers: { accept: OCI_MANIFEST },
      sha256: true,
    });
    getLatencies.push(elapsedMs(began));
    expectStatus(result, 200, 'manifest GET');
    expectDigest(result, digests[i]!, `manifest GET r${round}m${i}`);
    const header = result.headers['docker-content-digest'];
    if (header !== digests[i])
      throw new Error(`manifest GET r${round}m${i}: Docker-Content-Digest ${String(header)}`);
  });
  return { manifestPutP99Ms: percentile(putLatencies, 99), manifestGetP99Ms: percentile(getLatencies, 99) };
}

async function uploadBytes(client: HttpClient, repository: string, data: Buffer): Promise<string> {
  const digest = `sha256:${createHash('sha256').update(data).digest('hex')}`;
  const session = await client.request('POST', `/v2/${repository}/blobs/uploads/`);
  expectStatus(session, 202, 'upload POST');
  const done = await client.request('PUT', withDigest(session.headers.location, digest), {
    body: data,
    headers: { 'content-type': 'application/octet-stream' },
  });
  expectStatus(done, 201, 'upload PUT');
  return digest;
}
