/**
 * The few fields of Docker's `/info` answer that daemon.json work depends on, read defensively: dockerode
 * types `info()` as `any`, and older or newer daemons leave fields out.
 */
import type { RegistryConfigReport } from '../api/contract/daemon-config';

/** The parts of `docker.info()` we read. Everything optional: daemons differ. */
export interface DaemonInfo {
  OperatingSystem?: string;
  OSType?: string;
  SecurityOptions?: string[];
  Driver?: string;
  DriverStatus?: [string, string][];
  RegistryConfig?: {
    IndexConfigs?: Record<string, { Name?: string; Secure?: boolean; Mirrors?: string[] }>;
    InsecureRegistryCIDRs?: string[];
    Mirrors?: string[];
  };
}

/** Anything with dockerode's `info()`; lets tests and the handlers share one shape. */
export interface InfoSource {
  info(): Promise<unknown>;
}

/** `/info`, as an object even if the daemon answered something odd. */
export async function fetchDaemonInfo(docker: InfoSource): Promise<DaemonInfo> {
  const info = await docker.info();
  return typeof info === 'object' && info !== null ? info : {};
}

/** Docker Desktop names itself in OperatingSystem, on every platform. */
export function isDockerDesktop(info: DaemonInfo): boolean {
  return (info.OperatingSystem ?? '').toLowerCase().includes('docker desktop');
}

/** A rootless daemon lists `name=rootless` among its SecurityOptions. */
export function isRootless(info: DaemonInfo): boolean {
  return (info.SecurityOptions ?? []).some((option) => option.split(',').includes('name=rootless'));
}

/**
 * 'containerd' when the daemon stores images in containerd (Docker Engine 29's default and current Docker
 * Desktop). That store ignores insecure-registries for push and pull and reads certs.d hosts.toml instead.
 */
export function detectImageStore(info: DaemonInfo): 'containerd' | 'classic' {
  const status = info.DriverStatus ?? [];
  if (status.some(([key, value]) => key === 'driver-type' && value.startsWith('io.containerd.snapshotter'))) {
    return 'containerd';
  }
  const driver = (info.Driver ?? '').toLowerCase();
  return driver.includes('overlayfs') || driver.includes('snapshotter') ? 'containerd' : 'classic';
}

/** What the daemon says it accepts over HTTP and which mirrors it uses, exactly as it reports them. */
export function registryConfigReport(info: DaemonInfo): RegistryConfigReport {
  const config = info.RegistryConfig ?? {};
  const insecureRegistries = Object.entries(config.IndexConfigs ?? {})
    .filter(([, index]) => index.Secure === false)
    .map(([name]) => name)
    .sort();
  return {
    insecureRegistries,
    insecureRegistryCidrs: [...(config.InsecureRegistryCIDRs ?? [])],
    mirrors: [...(config.Mirrors ?? [])],
  };
}
