/**
 * Pushes and pulls as tasks. `push`/`pull` answer an id at once; the work runs on the daemon while a
 * ProgressModel turns its stream into rows, and `transfers.progress` events carry whole snapshots,
 * coalesced to a few per second per transfer, the final state always sent. Snapshots stay in memory
 * (`list`), so a view that remounts, or a finished push's log, shows what it showed before.
 * `cancel` aborts the HTTP request to the daemon, which stops the daemon's own push or pull.
 *
 * A push to Berth's own registry takes the fast path (./fast-push/fast-push.ts) unless the user chose
 * "through Docker": the image is exported from the daemon and written straight into the registry.
 * Its progress goes through the same ProgressModel, as rows and messages in the same words a push
 * uses, so the panel, the store and the notifications need nothing new; the snapshot's `route` says
 * which way a transfer went and the CLI command with the same outcome.
 *
 * A copy between registries (issue 21) is a transfer too, of kind 'copy': RegistryCopier
 * (electron/remote/copy/) moves it without Docker and reports each blob as a row in the same words.
 *
 * Over the ~400 lines a file should keep to: one task lifecycle (start, run a route, cancel, finish,
 * coalesced emits, snapshots) whose states the three routes share; each route's work is elsewhere.
 */
import { randomUUID } from 'node:crypto';
import type Dockerode from 'dockerode';
import { AppError } from '../api/app-error';
import type { AppErrorData } from '../api/contract/errors';
import {
  isTransferFinished,
  type TransferKind,
  type TransferRoute,
  type TransferSnapshot,
  type TransferState,
} from '../api/contract/transfers';
import { fastPush, type LayerCompression } from './fast-push/fast-push';
import { LayerIndex } from './fast-push/layer-index';
import {
  LocalRegistryClient,
  RegistryConnectionError,
  RegistryHttpError,
} from './fast-push/local-registry-client';
import type { EventBus } from '../api/event-bus';
import { explainLocalRegistryMove } from './local-registry-moved';
import { ProgressModel } from './progress-model';
import { parseReference, type ImageReference } from '../common/reference';
import {
  diagnoseDaemonMessage,
  diagnoseError,
  dockerStopped,
  dockerUnreachable,
  unreachableKind,
} from './diagnose';
import type { RegistryAuth } from './registry-auth';
import { copyCommand, isLoopbackHost, sourceReference, targetReference } from '../common/copy-command';
import type { CopyInput } from '../remote/copy/registry-copier';
import type { CopyReport, CopyResult } from '../remote/copy/image-copy';
import { openTransferStream, readMessages } from './transfer-stream';

export interface TransferServiceOptions {
  /** Least time between two progress events of one transfer (default 200 ms: 5 a second). */
  emitIntervalMs?: number;
  /** Finished transfers kept for `list` (default 100); the oldest are forgotten first. */
  keepFinished?: number;
  /** Told when a transfer ends (succeeded, failed or cancelled): for notifications. */
  onFinished?: (snapshot: TransferSnapshot) => void;
  /** Told when the daemon seems to have gone away, so the connection can re-check it. */
  onDockerGone?: () => void;
  /** The local registry's port now: a push to its old port then says it moved. */
  localRegistryPort?: () => number | undefined;
  /** Berth's own registry, for the fast local push; without it every push goes through Docker. */
  localRegistry?: LocalPushTarget;
  /** Copies between registries (issue 21); without it `copy` is refused. */
  copier?: RegistryCopierLike;
}

/** What the transfer service needs of the registry copier (electron/remote/copy/registry-copier.ts). */
export interface RegistryCopierLike {
  command(input: CopyInput): Promise<string>;
  copy(input: CopyInput, signal: AbortSignal, report: CopyReport): Promise<CopyResult>;
}

/** What the transfer service needs to know about Berth's own registry. */
export interface LocalPushTarget {
  /** `http://127.0.0.1:PORT` while the local registry runs, else undefined. */
  url(): string | undefined;
  /** The token of the registry's export endpoint (the fast push's direct path), when it has one. */
  dockerExportToken?(): string | undefined;
  /** The user's choices (settings' `localPush`). */
  settings(): { throughDocker: boolean; layerCompression: LayerCompression };
}

/** How a fast local push goes: where the registry answers, how layers are stored. */
interface FastRoute {
  url: string;
  compression: LayerCompression;
  /** The registry's export endpoint token: the registry reads Docker's export itself. */
  dockerExportToken: string | undefined;
}

interface Transfer {
  id: string;
  kind: TransferKind;
  ref: ImageReference;
  reference: string;
  state: TransferState;
  model: ProgressModel;
  controller: AbortController;
  startedAt: number;
  finishedAt?: number;
  error?: AppErrorData;
  lastEmitAt: number;
  emitTimer: NodeJS.Timeout | undefined;
  cancelRequested: boolean;
  done: Promise<TransferSnapshot>;
  route: TransferRoute;
  /** Set when the push takes the fast local path. */
  fast?: FastRoute;
  /** Set for a copy between registries. */
  copy?: CopyInput;
}

type EventSink = Pick<EventBus, 'emit'>;

/** Runs pushes and pulls through the daemon; see the file comment. */
export class TransferService {
  private readonly transfers = new Map<string, Transfer>();
  private readonly emitIntervalMs: number;
  private readonly keepFinished: number;
  /** What the local registry holds, by diff ID; remembered per registry address for the session. */
  private layerIndex:
    { url: string; token: string | undefined; index: LayerIndex; client: LocalRegistryClient } | undefined;

  constructor(
    private readonly docker: Dockerode | (() => Dockerode),
    private readonly bus: EventSink,
    private readonly auth: RegistryAuth,
    private readonly options: TransferServiceOptions = {},
  ) {
    this.emitIntervalMs = options.emitIntervalMs ?? 200;
    this.keepFinished = options.keepFinished ?? 100;
  }

  /** Push a local image to the registry its name points at. Throws NAME_INVALID for a bad name. */
  push(reference: string): { id: string } {
    const ref = parseOrThrow(reference);
    if (ref.digest !== undefined) {
      throw new AppError(
        'NAME_INVALID',
        `Push a tag, not a digest: ${reference} names one exact image (@${ref.digest}).`,
        {
          hint: 'Tag the image (for example :1.0) and push that tag.',
        },
      );
    }
    return this.start('push', ref, this.fastRouteFor(ref));
  }

  /** The fast local route for a push to Berth's own registry (running, not "through Docker"), else undefined. */
  private fastRouteFor(ref: ImageReference): FastRoute | undefined {
    const local = this.options.localRegistry;
    const url = local?.url();
    if (!local || url === undefined) return undefined;
    const settings = local.settings();
    if (settings.throughDocker) return undefined;
    const port = new URL(url).port;
    const aliases = [`127.0.0.1:${port}`, `localhost:${port}`];
    if (!aliases.includes(ref.domain)) return undefined;
    return { url, compression: settings.layerCompression, dockerExportToken: local.dockerExportToken?.() };
  }

  /** Pull an image by tag or digest from its registry. Throws NAME_INVALID for a bad name. */
  pull(reference: string): { id: string } {
    return this.start('pull', parseOrThrow(reference));
  }

  /**
   * Copy an image from one registry to another without Docker (issue 21). The target is named
   * `host/repository:tag`; the snapshot's `source` names where it came from.
   */
  copy(input: CopyInput): { id: string } {
    if (!this.options.copier)
      throw new AppError('INTERNAL', 'Copying between registries is not available in this host.');
    const target = parseOrThrow(targetReference(input));
    if (sourceReference(input) === target.normalized)
      throw new AppError('NAME_INVALID', 'The source and the target are the same image.', {
        hint: 'Choose another registry, repository or tag to copy to.',
      });
    return this.start('copy', target, undefined, input);
  }

  /** Abort a queued or running transfer; false if there is none by that id or it already ended. */
  cancel(id: string): boolean {
    const transfer = this.transfers.get(id);
    if (!transfer || isTransferFinished(transfer.state)) return false;
    transfer.cancelRequested = true;
    // Every window shows "Cancelling…" at once, not when the daemon lets go.
    this.emitNow(transfer);
    transfer.controller.abort();
    return true;
  }

  /** Every transfer kept, newest first. */
  list(): TransferSnapshot[] {
    return [...this.transfers.values()].reverse().map((transfer) => this.snapshot(transfer));
  }

  get(id: string): TransferSnapshot | undefined {
    const transfer = this.transfers.get(id);
    return transfer && this.snapshot(transfer);
  }

  /** Resolves with the final snapshot once the transfer has ended. */
  async waitFor(id: string): Promise<TransferSnapshot> {
    const transfer = this.transfers.get(id);
    if (!transfer) throw new AppError('NOT_FOUND', `There is no transfer ${id}.`);
    return transfer.done;
  }

  /** Forget a finished transfer; false if it is unknown or still running. */
  dismiss(id: string): boolean {
    const transfer = this.transfers.get(id);
    if (!transfer || !isTransferFinished(transfer.state)) return false;
    return this.transfers.delete(id);
  }

  private dockerode(): Dockerode {
    return typeof this.docker === 'function' ? this.docker() : this.docker;
  }

  private start(kind: TransferKind, ref: ImageReference, fast?: FastRoute, copy?: CopyInput): { id: string } {
    const id = randomUUID();
    let resolveDone: (snapshot: TransferSnapshot) => void = () => undefined;
    const transfer: Transfer = {
      id,
      kind,
      ref,
      reference: ref.normalized,
      state: 'queued',
      model: new ProgressModel(kind),
      controller: new AbortController(),
      startedAt: Date.now(),
      lastEmitAt: 0,
      emitTimer: undefined,
      cancelRequested: false,
      done: new Promise((resolve) => (resolveDone = resolve)),
      route: copy
        ? {
            path: 'registry-to-registry',
            command: copyCommand(copy, {
              source: isLoopbackHost(copy.source.host),
              target: isLoopbackHost(copy.target.host),
            }),
          }
        : fast
          ? {
              path: 'fast-local',
              layerFormat: fast.compression === 'gzip' ? 'gzip' : 'uncompressed',
              command: `docker push ${ref.familiar}`,
            }
          : { path: 'daemon', command: `docker ${kind} ${ref.familiar}` },
    };
    if (fast) transfer.fast = fast;
    if (copy) transfer.copy = copy;
    this.transfers.set(id, transfer);
    this.forgetOldFinished();
    this.emitNow(transfer);
    void this.run(transfer)
      // run() diagnoses every failure it expects; anything else still ends the transfer, never leaves it hanging.
      .catch((error: unknown) => this.finish(transfer, 'failed', AppError.from(error), 'Failed'))
      .then(() => resolveDone(this.snapshot(transfer)));
    return { id };
  }

  private async run(transfer: Transfer): Promise<void> {
    if (transfer.copy) return this.runCopy(transfer, transfer.copy);
    const { ref, model } = transfer;
    // Only pushes and pulls go through the daemon.
    const kind: 'push' | 'pull' = transfer.kind === 'pull' ? 'pull' : 'push';
    const context = { operation: kind, registry: ref.domain, reference: ref.familiar };
    try {
      if (transfer.fast) return await this.runFast(transfer, transfer.fast);
      const auth = await this.auth.authFor(ref.domain);
      const stream = await openTransferStream(this.dockerode(), kind, ref, auth, transfer.controller.signal);
      transfer.state = 'running';
      this.emitNow(transfer);
      await readMessages(stream, (message) => {
        model.apply(message);
        this.emitSoon(transfer);
      });
      if (model.error !== undefined) {
        this.finish(
          transfer,
          'failed',
          this.explain(transfer, diagnoseDaemonMessage(model.error, context)),
          'Failed',
        );
      } else if (model.daemonSaidDone) {
        // Done wins over a cancel that came too late to stop anything.
        model.complete();
        this.finish(transfer, 'succeeded');
      } else if (transfer.cancelRequested) {
        this.finishCancelled(transfer);
      } else {
        // A push always ends with "<tag>: digest: …", a pull with "Status: …"; without it the stream was cut off.
        await this.finishCutOff(transfer, `The daemon ended the ${kind} before it said it was done.`);
      }
    } catch (error) {
      if (transfer.cancelRequested) return this.finishCancelled(transfer);
      // Docker was down before anything started: it didn't stop "while this was running".
      const unreachable =
        transfer.state === 'queued' ? dockerUnreachable(error, `${kind} ${ref.familiar}`) : undefined;
      if (unreachable) {
        if (unreachableKind(error) === 'not-running') this.options.onDockerGone?.();
        this.finish(transfer, 'failed', unreachable, "Docker isn't running");
        return;
      }
      const diagnosed = diagnoseError(error, context);
      if (diagnosed.code === 'DOCKER_STOPPED')
        return this.finishCutOff(transfer, diagnosed.raw ?? diagnosed.message);
      this.finish(transfer, 'failed', this.explain(transfer, diagnosed), 'Failed');
    }
  }

  /** The fast local push; failures are thrown to `run`, which words them as for any push. */
  private async runFast(transfer: Transfer, fast: FastRoute): Promise<void> {
    const { ref, model } = transfer;
    if (this.layerIndex?.url !== fast.url || this.layerIndex.token !== fast.dockerExportToken) {
      this.layerIndex?.client.close();
      const client = new LocalRegistryClient(fast.url, { dockerExportToken: fast.dockerExportToken });
      this.layerIndex = {
        url: fast.url,
        token: fast.dockerExportToken,
        client,
        index: new LayerIndex(client),
      };
    }
    const { client, index } = this.layerIndex;
    const rows = this.rowReporter(transfer);
    transfer.state = 'running';
    this.emitNow(transfer);
    try {
      const result = await fastPush({
        docker: this.dockerode(),
        image: ref.familiar,
        registry: client,
        layers: index,
        repository: ref.path,
        tag: ref.tag ?? 'latest',
        compression: fast.compression,
        signal: transfer.controller.signal,
        report: {
          expectLayers: (count) => model.expectRows(count),
          message: rows.message,
          layer: rows.row,
        },
      });
      transfer.route = {
        ...transfer.route,
        layerFormat: result.layerFormat,
        storedBytes: result.storedBytes,
        writtenBytes: result.writtenBytes,
      };
      model.complete();
      this.finish(transfer, 'succeeded');
    } catch (error) {
      if (transfer.cancelRequested) throw error;
      if (error instanceof RegistryConnectionError)
        throw new AppError('REGISTRY_NOT_RUNNING', 'The local registry stopped during the push.', {
          hint: 'Start it again, then push again.',
          raw: error.message,
          fix: { kind: 'startRegistry' },
        });
      if (error instanceof RegistryHttpError)
        throw new AppError('INTERNAL', 'The local registry refused part of the push.', {
          raw: error.message,
          fix: { kind: 'retry' },
        });
      throw error;
    }
  }

  /** Status lines and a row's progress, as the fast push and the copy report them, into the transfer's model. */
  private rowReporter(transfer: Transfer): {
    message: (status: string) => void;
    row: (id: string, status: string, current?: number, total?: number) => void;
  } {
    return {
      message: (status) => {
        transfer.model.apply({ status });
        this.emitSoon(transfer);
      },
      row: (id, status, current, total) => {
        transfer.model.apply({
          id,
          status,
          ...(current === undefined ? {} : { progressDetail: { current, total: total ?? 0 } }),
        });
        this.emitSoon(transfer);
      },
    };
  }

  /** A copy between registries: no daemon; its errors already say which end failed and what to do. */
  private async runCopy(transfer: Transfer, input: CopyInput): Promise<void> {
    const copier = this.options.copier;
    if (!copier) return;
    const { model } = transfer;
    const rows = this.rowReporter(transfer);
    try {
      transfer.route = { ...transfer.route, command: await copier.command(input) };
      transfer.state = 'running';
      this.emitNow(transfer);
      const result = await copier.copy(input, transfer.controller.signal, {
        expectBlobs: (count) => model.expectRows(count),
        listBlobs: (rows) => {
          for (const { id, status, total } of rows)
            model.apply({
              id,
              status,
              ...(total === undefined ? {} : { progressDetail: { current: 0, total } }),
            });
          this.emitSoon(transfer);
        },
        message: rows.message,
        blob: rows.row,
      });
      transfer.route = {
        ...transfer.route,
        blobs: result.blobs,
        digestChanged: result.digestChanged,
        writtenBytes: result.bytesCopied,
      };
      model.complete();
      this.finish(transfer, 'succeeded');
    } catch (error) {
      if (transfer.cancelRequested) return this.finishCancelled(transfer);
      this.finish(transfer, 'failed', AppError.from(error), 'Failed');
    }
  }

  /** A registry Docker could not reach may be the local registry before it moved: say so. */
  private explain(transfer: Transfer, diagnosed: AppError): AppError {
    return explainLocalRegistryMove(
      transfer.kind,
      transfer.ref,
      diagnosed,
      this.options.localRegistryPort?.(),
    );
  }

  private finishCancelled(transfer: Transfer): void {
    const error = new AppError('CANCELLED', `The ${transfer.kind} was cancelled.`);
    this.finish(transfer, 'cancelled', error, 'Cancelled');
  }

  /** The connection broke or ended early: Docker stopped, unless it still answers. */
  private async finishCutOff(transfer: Transfer, raw: string): Promise<void> {
    const alive = await this.dockerode()
      .ping()
      .then(
        () => true,
        () => false,
      );
    if (!alive) {
      this.options.onDockerGone?.();
      this.finish(transfer, 'failed', dockerStopped(raw), 'Docker stopped');
      return;
    }
    const error = new AppError('INTERNAL', `The ${transfer.kind} stopped before Docker said it was done.`, {
      hint: 'Try again.',
      raw,
      fix: { kind: 'retry' },
    });
    this.finish(transfer, 'failed', error, 'Failed');
  }

  private finish(
    transfer: Transfer,
    state: TransferState,
    error?: AppError,
    unfinishedRowStatus?: string,
  ): void {
    if (isTransferFinished(transfer.state)) return;
    transfer.state = state;
    transfer.finishedAt = Date.now();
    if (error) transfer.error = error.toData();
    if (unfinishedRowStatus) transfer.model.markUnfinished(unfinishedRowStatus);
    this.emitNow(transfer);
    this.options.onFinished?.(this.snapshot(transfer));
  }

  /** Coalesce: emit now if the last event is old enough, else once when it is. */
  private emitSoon(transfer: Transfer): void {
    if (transfer.emitTimer) return;
    const wait = transfer.lastEmitAt + this.emitIntervalMs - Date.now();
    if (wait <= 0) {
      this.emitNow(transfer);
      return;
    }
    transfer.emitTimer = setTimeout(() => {
      transfer.emitTimer = undefined;
      if (!isTransferFinished(transfer.state)) this.emitNow(transfer);
    }, wait);
    transfer.emitTimer.unref?.();
  }

  private emitNow(transfer: Transfer): void {
    clearTimeout(transfer.emitTimer);
    transfer.emitTimer = undefined;
    transfer.lastEmitAt = Date.now();
    this.bus.emit('transfers.progress', this.snapshot(transfer));
  }

  private snapshot(transfer: Transfer): TransferSnapshot {
    const progress = transfer.model.progress();
    const snapshot: TransferSnapshot = {
      id: transfer.id,
      kind: transfer.kind,
      reference: transfer.reference,
      ...(transfer.copy ? { source: sourceReference(transfer.copy) } : {}),
      state: transfer.state,
      rows: progress.rows,
      overall: transfer.state === 'succeeded' ? 1 : progress.overall,
      bytesDone: progress.bytesDone,
      bytesTotal: progress.bytesTotal,
      sizesPending: !isTransferFinished(transfer.state) && progress.sizesPending,
      speed: isTransferFinished(transfer.state) ? 0 : progress.speed,
      etaSeconds: isTransferFinished(transfer.state)
        ? transfer.state === 'succeeded'
          ? 0
          : null
        : progress.etaSeconds,
      messages: progress.messages,
      cancelRequested: transfer.cancelRequested,
      startedAt: transfer.startedAt,
      route: transfer.route,
    };
    if (progress.digest !== undefined) snapshot.digest = progress.digest;
    if (transfer.error !== undefined) snapshot.error = transfer.error;
    if (transfer.finishedAt !== undefined) snapshot.finishedAt = transfer.finishedAt;
    return snapshot;
  }

  private forgetOldFinished(): void {
    const finished = [...this.transfers.values()].filter((transfer) => isTransferFinished(transfer.state));
    for (const transfer of finished.slice(0, Math.max(0, finished.length - this.keepFinished)))
      this.transfers.delete(transfer.id);
  }
}

function parseOrThrow(reference: string): ImageReference {
  const parsed = parseReference(reference);
  if (!parsed.ok) {
    throw new AppError('NAME_INVALID', `"${reference}" is not a valid image name: ${parsed.reason}.`, {
      hint: 'Image names look like registry:port/namespace/repository:tag, in lowercase.',
    });
  }
  return parsed.ref;
}
