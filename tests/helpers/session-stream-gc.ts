/**
 * Run with `node --expose-gc --import tsx`: streams an 8 MiB blob through RegistrySession.stream from a
 * local server while forcing garbage collections, and prints how many bytes arrived.
 */
import { createServer } from 'node:http';
import { RegistrySession } from '../../electron/remote/registry-session';

const SIZE = 8 * 1024 * 1024;
const collect = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const pause = () => new Promise((resolve) => setTimeout(resolve, 50));
const server = createServer((request, response) => {
  if (request.url === '/v2/') return void response.end('{}');
  response.writeHead(200, { 'Content-Length': SIZE });
  let sent = 0;
  const more = () => {
    while (sent < SIZE) {
      sent += 1024 * 1024;
      if (!response.write(Buffer.alloc(1024 * 1024, 7))) return void response.once('drain', more);
    }
    response.end();
  };
  more();
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
const { port } = server.address() as { port: number };
const session = new RegistrySession({
  host: `127.0.0.1:${port}`,
  insecure: 'loopback',
  login: () => Promise.resolve(undefined),
});
const blob = await session.stream('/v2/team/app/blobs/sha256:x', { scope: '', doing: 'read' });
collect();
await pause();
collect();
await pause();
let bytes = 0;
for await (const chunk of blob.body) {
  bytes += chunk.length;
  collect();
}
console.log(bytes);
server.close();
