/** The browser host lets in only its own page with its token: no token, a foreign Host or Origin is refused. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { collect, openSocket, rawExchange } from '../helpers/raw-http';
import { startWebHost } from '../helpers/web-host';
import { expect, test } from './fixtures';

function upgradeStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.on('open', () => {
      socket.close();
      resolve(101);
    });
    socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    socket.on('error', reject);
  });
}

test('a page request without the token is refused with 401', async ({ webHost }) => {
  const response = await fetch(`${webHost.origin}/`);
  expect(response.status).toBe(401);
  const wrong = await fetch(`${webHost.origin}/?token=not-the-token`);
  expect(wrong.status).toBe(401);
});

test('the token in the URL becomes an HttpOnly SameSite cookie and leaves the address bar', async ({
  page,
  webHost,
}) => {
  await page.goto(webHost.url);
  expect(new URL(page.url()).search).toBe('');
  const cookies = await page.context().cookies();
  const cookie = cookies.find((entry) => entry.name === `berth_token_${webHost.port}`);
  expect(cookie?.httpOnly).toBe(true);
  expect(cookie?.sameSite).toBe('Strict');
});

test('a foreign Host header (DNS rebinding) is refused with 403', async ({ webHost }) => {
  const status = await new Promise<number>((resolve, reject) => {
    // fetch() won't let us set Host, so use node:http directly.
    import('node:http')
      .then(({ request }) => {
        const req = request(
          {
            host: '127.0.0.1',
            port: webHost.port,
            path: `/?token=${webHost.token}`,
            headers: { Host: `attacker.example:${webHost.port}` },
          },
          (res) => resolve(res.statusCode ?? 0),
        );
        req.on('error', reject);
        req.end();
      })
      .catch(reject);
  });
  expect(status).toBe(403);
});

test('the API WebSocket needs the token and the host’s own Origin', async ({ webHost }) => {
  const api = `ws://127.0.0.1:${webHost.port}/api`;
  const cookie = `berth_token_${webHost.port}=${webHost.token}`;
  expect(await upgradeStatus(api, { Origin: webHost.origin })).toBe(401);
  // Another host's cookie (another port, same 127.0.0.1 jar) is not this one's.
  expect(await upgradeStatus(api, { Origin: webHost.origin, Cookie: `berth_token=${webHost.token}` })).toBe(
    401,
  );
  // A cookie of the same name planted by a page on another 127.0.0.1 port doesn't lock the user out.
  expect(
    await upgradeStatus(api, {
      Origin: webHost.origin,
      Cookie: `berth_token_${webHost.port}=planted; ${cookie}`,
    }),
  ).toBe(101);
  expect(await upgradeStatus(api, { Origin: 'http://evil.example', Cookie: cookie })).toBe(403);
  expect(await upgradeStatus(api, { Cookie: cookie })).toBe(403);
  expect(await upgradeStatus(api, { Origin: webHost.origin, Cookie: cookie })).toBe(101);
});

test('calls over the socket are validated: unknown command, bad input, oversized payload', async ({
  webHost,
}) => {
  const socket = new WebSocket(`ws://127.0.0.1:${webHost.port}/api`, {
    headers: { Origin: webHost.origin, Cookie: `berth_token_${webHost.port}=${webHost.token}` },
  });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const responses = new Map<number, { ok: boolean; error?: { code: string } }>();
  socket.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString()) as { id?: number; ok: boolean; error?: { code: string } };
    if (typeof message.id === 'number') responses.set(message.id, message);
  });
  socket.send(JSON.stringify({ id: 1, command: 'images.nuke', input: {} }));
  socket.send(JSON.stringify({ id: 2, command: 'images.tag', input: { source: 42, target: '' } }));
  socket.send(
    JSON.stringify({ id: 3, command: 'images.tag', input: { source: 'x', target: 'y'.repeat(300_000) } }),
  );
  socket.send(JSON.stringify({ id: 4, command: 'docker.status', input: {} }));
  await expect.poll(() => responses.size).toBeGreaterThanOrEqual(3);
  expect(responses.get(1)?.error?.code).toBe('UNKNOWN_COMMAND');
  expect(responses.get(2)?.error?.code).toBe('INVALID_INPUT');
  expect(responses.get(4)?.ok).toBe(true);
  // The oversized request isn't parsed, but its id is read from its start: the caller hears back.
  expect(responses.get(3)?.error?.code).toBe('PAYLOAD_TOO_LARGE');
  // Without a leading id there is nothing to answer to: UNREADABLE_REQUEST_ID (-1).
  socket.send(`{"command":"images.tag","input":{"target":"${'y'.repeat(300_000)}"},"id":5}`);
  await expect.poll(() => responses.get(-1)?.error?.code).toBe('PAYLOAD_TOO_LARGE');
  socket.close();
});

test.describe('requests no URL parser takes', () => {
  // `//[` is a path (answered 401: no token); a target in absolute form is not one this host serves.
  const targets = [
    ['//[', 401],
    ['http://[', 400],
    ['http://[::1', 400],
    ['http://%', 400],
  ] as const;

  for (const [target, status] of targets) {
    test(`GET ${target} without the token gets ${status}, and the host keeps serving`, async ({
      webHost,
    }) => {
      const answer = await rawExchange(
        webHost.port,
        `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${webHost.port}\r\n\r\n`,
      );
      expect(answer.status).toBe(status);
      expect((await fetch(`${webHost.origin}/`)).status).toBe(401);
      expect(webHost.process.exitCode).toBeNull();
    });
  }

  test('a WebSocket upgrade to http://[ gets 400, and the host keeps serving', async ({ webHost }) => {
    const answer = await rawExchange(
      webHost.port,
      `GET http://[ HTTP/1.1\r\nHost: 127.0.0.1:${webHost.port}\r\nOrigin: ${webHost.origin}\r\n` +
        'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    expect(answer.status).toBe(400);
    const path = await rawExchange(
      webHost.port,
      `GET //[ HTTP/1.1\r\nHost: 127.0.0.1:${webHost.port}\r\nOrigin: ${webHost.origin}\r\n` +
        'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    expect(path.status).toBe(401);
    expect((await fetch(`${webHost.origin}/`)).status).toBe(401);
  });

  test('a path with a stray % gets 400 with a valid cookie, not 500', async ({ webHost }) => {
    const response = await fetch(`${webHost.origin}/%ZZ`, {
      headers: { Cookie: `berth_token_${webHost.port}=${webHost.token}` },
    });
    expect(response.status).toBe(400);
    const app = await fetch(`${webHost.origin}/`, {
      headers: { Cookie: `berth_token_${webHost.port}=${webHost.token}` },
    });
    expect(app.status).toBe(200);
  });

  test('an image on another web page aimed at //[ does not stop the host', async ({ page, webHost }) => {
    // Another site (a server on another port, reached as localhost) whose page embeds the requests
    // a hostile site would make: an image request carries no Origin, and its Host is the host's own.
    const hostile = createServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/html' });
      response.end(
        `<img id="path" src="http://127.0.0.1:${webHost.port}//[">` +
          `<img id="percent" src="http://127.0.0.1:${webHost.port}/%ZZ">`,
      );
    });
    await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
    try {
      await page.goto(`http://localhost:${(hostile.address() as AddressInfo).port}/`);
      for (const id of ['#path', '#percent'])
        await expect
          .poll(() =>
            page.locator(id).evaluate((image) => (image as unknown as { complete: boolean }).complete),
          )
          .toBe(true);
    } finally {
      hostile.close();
    }
    expect((await fetch(`${webHost.origin}/`)).status).toBe(401);
    await page.goto(webHost.url);
    await expect(page.getByRole('navigation')).toBeVisible();
  });
});

test.describe('slow clients', () => {
  test('headers that never finish and a body that stops are cut; the host keeps serving', async () => {
    const host = await startWebHost({ args: ['--request-timeout', '1.5'] });
    try {
      const slowHeaders = await openSocket(host.port);
      const headersAnswer = collect(slowHeaders, { timeoutMs: 15_000 });
      slowHeaders.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nX-Slow: `);
      expect((await headersAnswer).closedByServer).toBe(true);

      const slowBody = await openSocket(host.port);
      const bodyAnswer = collect(slowBody, { timeoutMs: 15_000 });
      slowBody.write(
        `POST /?token=${host.token} HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nContent-Length: 1000\r\n\r\nabc`,
      );
      expect((await bodyAnswer).closedByServer).toBe(true);
      expect((await fetch(`${host.origin}/`)).status).toBe(401);
    } finally {
      await host.stop();
    }
  });
});
