/**
 * Finds out whether a TCP port is free by binding it, on the same host address the registry would
 * use. Asking the OS is the only reliable test: a port can be held by a process we cannot see (on
 * macOS, AirPlay Receiver holds 5000), and "free on 127.0.0.1" differs from "free on 0.0.0.0".
 */
import { createServer } from 'node:net';

/** How many ports after the taken one are tried before letting the OS pick any free port. */
const MAX_PORTS_TRIED = 100;

/** True when `host:port` can be bound right now. */
export function isPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) => {
      // EACCES (a privileged port) means "not usable" just as much as EADDRINUSE does.
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES') resolve(false);
      else reject(error);
    });
    // exclusive: in a cluster worker, Node would otherwise share the handle and report the port free.
    server.listen({ host, port, exclusive: true }, () => {
      server.close(() => resolve(true));
    });
  });
}

/**
 * The first free port after `takenPort` on `host`. If the next ports are all taken, any free port the
 * OS hands out, so the user always gets a working suggestion.
 */
export async function findNextFreePort(host: string, takenPort: number): Promise<number> {
  for (let port = takenPort + 1; port <= Math.min(65535, takenPort + MAX_PORTS_TRIED); port++) {
    if (await isPortFree(host, port)) return port;
  }
  return anyFreePort(host);
}

/** A port the OS considers free on `host` at this moment. */
export function anyFreePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('The OS did not report a port.'))));
    });
  });
}
