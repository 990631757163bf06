/** The browser host lets in only its own page with its token: no token, a foreign Host or Origin is refused. */
import WebSocket from 'ws';
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
  // The oversized request is answered with -1 (its id wasn't read) and PAYLOAD_TOO_LARGE.
  expect(responses.get(-1)?.error?.code).toBe('PAYLOAD_TOO_LARGE');
  socket.close();
});
