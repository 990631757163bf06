/**
 * The config file for Debian's reference registry (`/usr/bin/docker-registry`, distribution 2.8):
 * filesystem storage under `dataDir/data`, deletes enabled, access log off, optional htpasswd auth
 * and TLS.
 * One writer for the tests and the benchmark, so both run the yardstick the same way.
 */
import { join } from 'node:path';

export interface ReferenceRegistryConfig {
  dataDir: string;
  /** `127.0.0.1:PORT` */
  address: string;
  logLevel: 'info' | 'warn' | 'error';
  /** Path of an htpasswd file (bcrypt lines); turns on basic auth. */
  htpasswdPath?: string;
  /** Serve HTTPS with this certificate and key (PEM files). */
  tls?: { certificate: string; key: string };
  /** Token auth (`auth: token`): the issuer's realm URL, service, issuer name and its certificate (PEM). */
  token?: { realm: string; service: string; issuer: string; rootCertBundle: string };
  /** `storage.delete.enabled` (default true). */
  deleteEnabled?: boolean;
}

export function referenceRegistryConfig({
  dataDir,
  address,
  logLevel,
  htpasswdPath,
  tls,
  token,
  deleteEnabled = true,
}: ReferenceRegistryConfig): string {
  const lines = [
    'version: 0.1',
    'log:',
    `  level: ${logLevel}`,
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(dataDir, 'data')}`,
    '  delete:',
    `    enabled: ${deleteEnabled}`,
    'http:',
    `  addr: ${address}`,
  ];
  if (tls !== undefined) lines.push('  tls:', `    certificate: ${tls.certificate}`, `    key: ${tls.key}`);
  if (htpasswdPath !== undefined)
    lines.push('auth:', '  htpasswd:', '    realm: berth-test', `    path: ${htpasswdPath}`);
  if (token !== undefined)
    lines.push(
      'auth:',
      '  token:',
      `    realm: ${token.realm}`,
      `    service: ${token.service}`,
      `    issuer: ${token.issuer}`,
      `    rootcertbundle: ${token.rootCertBundle}`,
    );
  return `${lines.join('\n')}\n`;
}
