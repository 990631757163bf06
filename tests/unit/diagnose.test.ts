import { describe, expect, it } from 'vitest';
import { AppError } from '../../electron/api/app-error';
import {
  certsDirFor,
  diagnoseDaemonMessage,
  diagnoseError,
  type DiagnoseContext,
} from '../../electron/docker/diagnose';

const push: DiagnoseContext = {
  operation: 'push',
  registry: '10.0.0.5:5000',
  reference: '10.0.0.5:5000/team/app:1',
  platform: 'linux',
};
const pull: DiagnoseContext = { ...push, operation: 'pull' };

// [raw daemon message, context, code, fix kind or undefined, words the message must contain]
const table: [string, DiagnoseContext, string, string | undefined, string][] = [
  [
    'Get "https://10.0.0.5:5000/v2/": http: server gave HTTP response to HTTPS client',
    push,
    'INSECURE_REGISTRY',
    'addInsecureRegistry',
    'speaks plain HTTP',
  ],
  [
    'Get "https://10.0.0.5:5000/v2/": x509: certificate signed by unknown authority',
    push,
    'TLS_UNKNOWN_AUTHORITY',
    'showCertsHelp',
    'does not trust the certificate',
  ],
  [
    'Get "https://10.0.0.5:5000/v2/": tls: failed to verify certificate: x509: certificate signed by unknown authority',
    pull,
    'TLS_UNKNOWN_AUTHORITY',
    'showCertsHelp',
    'authority',
  ],
  // Recorded from dockerd 20.10 pushing into a registry whose disk was full (Berth's and docker-registry
  // 2.8 alike, a 4 MiB tmpfs): docker's final words after five attempts.
  [
    'write tcp 127.0.0.1:38370->127.0.0.1:5077: write: broken pipe',
    push,
    'UPLOAD_CUT_OFF',
    'retry',
    'closed the connection while Docker was sending a layer',
  ],
  [
    'write tcp 127.0.0.1:38370->127.0.0.1:5077: write: connection reset by peer',
    push,
    'UPLOAD_CUT_OFF',
    'retry',
    'closed the connection',
  ],
  // In a pull, Docker sends no layer: a reset is the registry going away.
  [
    'write tcp 127.0.0.1:38370->127.0.0.1:5077: write: connection reset by peer',
    pull,
    'REGISTRY_UNREACHABLE',
    'retry',
    'could not reach',
  ],
  // A connection that never got anywhere is still "unreachable".
  [
    'Get "https://10.0.0.5:5000/v2/": read tcp 10.0.0.1:4444->10.0.0.5:5000: read: connection reset by peer',
    push,
    'REGISTRY_UNREACHABLE',
    'retry',
    'could not reach',
  ],
  ['unauthorized: authentication required', push, 'UNAUTHORIZED', 'login', 'refused access'],
  ['denied: requested access to the resource is denied', push, 'UNAUTHORIZED', 'login', 'write to'],
  [
    'Head "http://10.0.0.5:5000/v2/team/app/blobs/sha256:ab": no basic auth credentials',
    push,
    'UNAUTHORIZED',
    'login',
    'log in',
  ],
  ['unauthorized: incorrect username or password', pull, 'UNAUTHORIZED', 'login', 'read'],
  [
    "pull access denied for team/app, repository does not exist or may require 'docker login': denied: requested access to the resource is denied",
    pull,
    'REPOSITORY_NOT_FOUND',
    'login',
    'was not found',
  ],
  // Recorded from dockerd 20.10 + docker-registry 2.8 (tests/fixtures/progress/pull-not-found.jsonl).
  [
    'manifest for 127.0.0.1:43805/berth-test/does-not-exist:1 not found: manifest unknown: manifest unknown',
    pull,
    'MANIFEST_UNKNOWN',
    undefined,
    'has no image with the tag',
  ],
  ['manifest unknown: manifest unknown', pull, 'MANIFEST_UNKNOWN', undefined, 'tag'],
  [
    'name unknown: repository name not known to registry',
    pull,
    'REPOSITORY_NOT_FOUND',
    undefined,
    'was not found',
  ],
  [
    'An image does not exist locally with the tag: 10.0.0.5:5000/team/app',
    push,
    'NOT_FOUND',
    undefined,
    'no local image',
  ],
  [
    'invalid reference format: repository name must be lowercase',
    push,
    'NAME_INVALID',
    undefined,
    'cannot use the name',
  ],
  ['NAME_INVALID: invalid repository name', push, 'NAME_INVALID', undefined, 'cannot use'],
  [
    'write /var/lib/docker/tmp/GetImageBlob123: no space left on device',
    pull,
    'NO_SPACE',
    'retry',
    'disk is full',
  ],
  [
    'Get "http://127.0.0.1:1/v2/": dial tcp 127.0.0.1:1: connect: connection refused',
    push,
    'REGISTRY_UNREACHABLE',
    'retry',
    'could not reach',
  ],
  [
    'Get "https://nope.invalid/v2/": dial tcp: lookup nope.invalid: no such host',
    pull,
    'REGISTRY_UNREACHABLE',
    'retry',
    'nothing answered',
  ],
  [
    'Get "https://10.0.0.5:5000/v2/": net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers) dial tcp 10.0.0.5:5000: i/o timeout',
    push,
    'REGISTRY_UNREACHABLE',
    'retry',
    'could not reach',
  ],
  ['something Docker never said before', push, 'INTERNAL', 'retry', 'could not finish the push'],
];

describe('diagnoseDaemonMessage', () => {
  it.each(table)('%s', (raw, context, code, fix, words) => {
    const error = diagnoseDaemonMessage(raw, context);
    expect(error.code).toBe(code);
    expect(error.fix?.kind).toBe(fix);
    expect(error.message).toContain(words);
    expect(error.raw).toBe(raw);
    expect(error.hint).toBeTruthy();
  });

  it('reads what Docker says, not a name that holds "denied" or "unauthorized"', () => {
    const named = (registry: string, reference: string): DiagnoseContext => ({
      operation: 'push',
      registry,
      reference,
      platform: 'linux',
    });
    // A host that doesn't resolve, a refused connection, a timeout: unreachable, not "log in".
    expect(
      diagnoseDaemonMessage(
        'Get "https://denied.example.com:5000/v2/": dial tcp: lookup denied.example.com on 10.0.0.1:53: no such host',
        named('denied.example.com:5000', 'denied.example.com:5000/team/app:1'),
      ).code,
    ).toBe('REGISTRY_UNREACHABLE');
    expect(
      diagnoseDaemonMessage(
        'Put "http://10.0.0.5:5000/v2/denied-app/blobs/uploads/x": dial tcp 10.0.0.5:5000: connect: connection refused',
        named('10.0.0.5:5000', '10.0.0.5:5000/denied-app:1'),
      ).code,
    ).toBe('REGISTRY_UNREACHABLE');
    expect(
      diagnoseDaemonMessage(
        'Get "https://unauthorized-proxy.lan/v2/": dial tcp: lookup unauthorized-proxy.lan: i/o timeout',
        named('unauthorized-proxy.lan', 'unauthorized-proxy.lan/app:1'),
      ).code,
    ).toBe('REGISTRY_UNREACHABLE');
    // The same names with Docker's own refusal are still a refusal.
    expect(
      diagnoseDaemonMessage(
        'denied: requested access to the resource is denied',
        named('denied.example.com:5000', 'denied.example.com:5000/team/app:1'),
      ).code,
    ).toBe('UNAUTHORIZED');
  });

  it('points the fixes at the right registry', () => {
    expect(diagnoseDaemonMessage('http: server gave HTTP response to HTTPS client', push).fix).toEqual({
      kind: 'addInsecureRegistry',
      host: '10.0.0.5:5000',
    });
    expect(diagnoseDaemonMessage('unauthorized: authentication required', push).fix).toEqual({
      kind: 'login',
      registry: '10.0.0.5:5000',
    });
    expect(diagnoseDaemonMessage('x509: certificate signed by unknown authority', push).fix).toEqual({
      kind: 'showCertsHelp',
      host: '10.0.0.5:5000',
      certsDir: '/etc/docker/certs.d/10.0.0.5:5000',
    });
  });

  it('tells Docker Hub users about namespaces', () => {
    const error = diagnoseDaemonMessage('denied: requested access to the resource is denied', {
      operation: 'push',
      registry: 'docker.io',
    });
    expect(error.hint).toContain('your own namespace');
  });
});

describe('certsDirFor', () => {
  it('knows where each platform looks', () => {
    expect(certsDirFor('r:5000', 'linux')).toBe('/etc/docker/certs.d/r:5000');
    expect(certsDirFor('r:5000', 'darwin')).toBe('~/.docker/certs.d/r:5000');
    expect(certsDirFor('r:5000', 'win32')).toBe('C:\\ProgramData\\docker\\certs.d\\r:5000');
  });
});

describe('diagnoseError', () => {
  it('a vanished docker socket is DOCKER_STOPPED', () => {
    for (const error of [
      Object.assign(new Error('connect ENOENT /var/run/docker.sock'), { code: 'ENOENT' }),
      Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
      Object.assign(new Error('connect ECONNREFUSED /tmp/d.sock'), { code: 'ECONNREFUSED' }),
      new Error('socket hang up'),
    ]) {
      expect(diagnoseError(error, push).code).toBe('DOCKER_STOPPED');
    }
  });

  it('an HTTP error from the daemon is explained by its message', () => {
    const error = Object.assign(new Error('(HTTP code 500) server error - ignored'), {
      statusCode: 500,
      json: { message: 'Get "http://127.0.0.1:1/v2/": dial tcp 127.0.0.1:1: connect: connection refused' },
    });
    const diagnosed = diagnoseError(error, push);
    expect(diagnosed.code).toBe('REGISTRY_UNREACHABLE');
    expect(diagnosed.raw).toContain('connection refused');
  });

  it('an abort is CANCELLED, and AppErrors pass through', () => {
    const abort = Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });
    expect(diagnoseError(abort, push).code).toBe('CANCELLED');
    const original = new AppError('NAME_INVALID', 'x');
    expect(diagnoseError(original, push)).toBe(original);
  });
});
