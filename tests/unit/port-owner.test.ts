/**
 * Port in use: the message names the program that holds the port where the OS shows it (Linux:
 * /proc/net/tcp + /proc/<pid>/fd), and mentions AirPlay Receiver only on macOS.
 */
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPortOwner, listeningInodes, portInUseWords } from '../../electron/registry/host/port-owner';
import { portInUseError } from '../../electron/registry/host/supervisor-start-errors';

const TABLE = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1388 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 43210 1 0000000000000000 100 0 0 10 0
   1: 0100007F:1388 0100007F:A6DA 01 00000000:00000000 00:00000000 00000000  1000        0 55555 1 0000000000000000 100 0 0 10 0
   2: 00000000:1389 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 66666 1 0000000000000000 100 0 0 10 0
`;

describe('listeningInodes', () => {
  it('finds the listening socket on the port (hex), not connections or other ports', () => {
    expect(listeningInodes(TABLE, 5000)).toEqual(['43210']);
    expect(listeningInodes(TABLE, 5001)).toEqual(['66666']);
    expect(listeningInodes(TABLE, 80)).toEqual([]);
  });
});

describe('a port held by another program', () => {
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.runIf(process.platform === 'linux')('names the process on Linux (this test holds it)', async () => {
    const owner = await findPortOwner(port);
    expect(owner?.pid).toBe(process.pid);
    expect(owner?.name).not.toBe('');
    const error = await portInUseError(
      { host: '127.0.0.1', port, dataDir: '/unused' },
      {
        platform: 'linux',
      },
    );
    expect(error.message).toMatch(
      new RegExp(`^Port ${port} is in use by .+ \\(process ${process.pid}\\)\\.`),
    );
    expect(error.message).not.toContain('AirPlay');
  });

  it('mentions AirPlay Receiver for 5000 only on macOS, and never when the program is known', () => {
    const linux = portInUseWords({ port: 5000, next: 5001, owner: undefined, platform: 'linux' });
    expect(linux.message).toBe('Port 5000 is in use. Port 5001 is free.');
    expect(linux.hint).not.toContain('AirPlay');
    const mac = portInUseWords({ port: 5000, next: 5001, owner: undefined, platform: 'darwin' });
    expect(mac.message).toContain('AirPlay Receiver');
    expect(mac.hint).toContain('AirDrop & Handoff');
    const known = portInUseWords({
      port: 5000,
      next: 5001,
      owner: { pid: 42, name: 'python3' },
      platform: 'darwin',
    });
    expect(known.message).toBe('Port 5000 is in use by python3 (process 42). Port 5001 is free.');
    expect(known.hint).toBe('Use port 5001, or stop python3.');
  });
});
