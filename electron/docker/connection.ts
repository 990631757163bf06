/**
 * The live connection to the user's Docker daemon. It knows where the daemon is (endpoint.ts), watches
 * whether it answers, describes the engine for the status bar, and relays Docker's `/events` stream as
 * `images.changed` so the images list stays live when the CLI changes things behind the app's back.
 * When the daemon goes away it says so in plain words and reconnects by itself.
 */
import Dockerode from 'dockerode';
import type { Readable } from 'node:stream';
import type { DockerStatus, EngineInfo } from '../api/contract/app';
import type { EventBus } from '../api/event-bus';
import {
  dockerodeOptions,
  type DockerEndpoint,
  type EndpointEnvironment,
  resolveDockerEndpoint,
} from './endpoint';
import { unreachableKind } from './diagnose';

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

interface DockerEventMessage {
  Type?: string;
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}

const RETRY_MS = 1000;

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export class DockerConnection {
  readonly endpoint: DockerEndpoint;
  readonly docker: Dockerode;
  private current: DockerStatus;
  private eventStream: Readable | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private checking: Promise<DockerStatus> | undefined;

  constructor(
    environment: EndpointEnvironment,
    private readonly bus: EventBus,
    private readonly log: Logger,
  ) {
    this.endpoint = resolveDockerEndpoint(environment);
    this.docker = new Dockerode(dockerodeOptions(this.endpoint, (path) => environment.readFile(path)));
    this.current = { state: 'connecting', endpoint: this.describeEndpoint() };
  }

  status(): DockerStatus {
    return this.current;
  }

  /** Connect now and keep the connection watched until stop(). */
  async start(): Promise<DockerStatus> {
    this.stopped = false;
    return this.check();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.eventStream?.destroy();
    this.eventStream = undefined;
  }

  /** Ask the daemon now; used on start, on retry, and when an operation hints the daemon went away. */
  check(): Promise<DockerStatus> {
    this.checking ??= this.probe().finally(() => {
      this.checking = undefined;
    });
    return this.checking;
  }

  private async probe(): Promise<DockerStatus> {
    try {
      const engine = await this.readEngine();
      this.setStatus({ state: 'connected', endpoint: this.describeEndpoint(), engine });
      await this.watchEvents();
    } catch (error) {
      this.setStatus({
        state: 'disconnected',
        endpoint: this.describeEndpoint(),
        problem: this.explain(error),
      });
      this.scheduleRetry();
    }
    return this.current;
  }

  private async readEngine(): Promise<EngineInfo> {
    const [version, info] = await Promise.all([
      this.docker.version(),
      this.docker.info() as Promise<Record<string, unknown>>,
    ]);
    const operatingSystem = text(info.OperatingSystem);
    const securityOptions = Array.isArray(info.SecurityOptions) ? info.SecurityOptions.map(String) : [];
    const driverStatus = Array.isArray(info.DriverStatus) ? (info.DriverStatus as unknown[][]) : [];
    const containerdStore = driverStatus.some(
      (pair) => pair[0] === 'driver-type' && String(pair[1]).includes('containerd.snapshotter'),
    );
    const components = (version as { Components?: Array<{ Name?: string }> }).Components ?? [];
    const platformName = (version as { Platform?: { Name?: string } }).Platform?.Name ?? '';
    let name = 'Docker Engine';
    if (operatingSystem.includes('Docker Desktop')) name = 'Docker Desktop';
    else if (components.some((component) => component.Name?.toLowerCase().includes('podman')))
      name = 'Podman';
    else if (platformName) name = platformName;
    return {
      name,
      version: version.Version,
      apiVersion: version.ApiVersion,
      os: operatingSystem || version.Os,
      osType: text(info.OSType) || version.Os,
      arch: version.Arch,
      imageStore: containerdStore ? 'containerd' : text(info.Driver) || 'unknown',
      rootless: securityOptions.some((option) => option.includes('rootless')),
    };
  }

  private async watchEvents(): Promise<void> {
    if (this.eventStream) return;
    const stream = (await this.docker.getEvents({ filters: { type: ['image'] } })) as Readable;
    this.eventStream = stream;
    let buffered = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buffered += chunk;
      let newline = buffered.indexOf('\n');
      while (newline >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (line) this.relay(line);
        newline = buffered.indexOf('\n');
      }
    });
    const lost = () => {
      if (this.eventStream !== stream) return;
      this.eventStream = undefined;
      if (this.stopped) return;
      this.log.warn('Docker event stream ended; checking the daemon');
      void this.check();
    };
    stream.on('end', lost);
    stream.on('close', lost);
    stream.on('error', lost);
  }

  private relay(line: string): void {
    let message: DockerEventMessage;
    try {
      message = JSON.parse(line) as DockerEventMessage;
    } catch {
      return;
    }
    if (message.Type !== 'image' || !message.Action) return;
    const reference = message.Actor?.Attributes?.name;
    this.bus.emit('images.changed', {
      action: message.Action,
      ...(message.Actor?.ID ? { id: message.Actor.ID } : {}),
      ...(reference ? { reference } : {}),
    });
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.check(), RETRY_MS);
    this.retryTimer.unref();
  }

  private setStatus(next: DockerStatus): void {
    const changed = JSON.stringify(next) !== JSON.stringify(this.current);
    this.current = next;
    if (changed) {
      this.log.info(
        `docker: ${next.state}${next.engine ? ` (${next.engine.name} ${next.engine.version})` : ''}`,
      );
      this.bus.emit('docker.status', next);
    }
  }

  private describeEndpoint(): DockerStatus['endpoint'] {
    return {
      description: this.endpoint.description,
      source: this.endpoint.source,
      ...(this.endpoint.context ? { context: this.endpoint.context } : {}),
    };
  }

  private explain(error: unknown): string {
    const kind = unreachableKind(error);
    const where = this.endpoint.host;
    if (kind === 'not-running') {
      return `Docker isn't running: nothing answers at ${where}. Start Docker Desktop (or dockerd) and Berth will connect by itself.`;
    }
    if (kind === 'no-permission') {
      return `Berth may not use ${where}: permission denied. On Linux, add yourself to the "docker" group (then log out and in).`;
    }
    const message = error instanceof Error ? error.message : String(error);
    return `Docker at ${where} did not answer: ${message}`;
  }
}
