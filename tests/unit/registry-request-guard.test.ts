/** The registry's request guard: browser-made requests, and Host names while on loopback only. */
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { isLoopbackAddress, refusalReason } from '../../electron/registry/server/http/request-guard';

const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe('registry request guard', () => {
  it('knows loopback addresses', () => {
    expect(['127.0.0.1', '127.0.0.2', '::1', '[::1]', 'localhost'].map(isLoopbackAddress)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(['0.0.0.0', '::', '10.77.0.2', '192.168.1.5'].map(isLoopbackAddress)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  it('on loopback, answers only its own names with its own port', () => {
    const options = { loopbackOnly: true, port: 5000 };
    for (const host of [
      '127.0.0.1:5000',
      'localhost:5000',
      'LOCALHOST:5000',
      '[::1]:5000',
      'host.docker.internal:5000',
    ])
      expect(refusalReason(request({ host }), options)).toBeUndefined();
    for (const host of [
      'evil.example:5000',
      '127.0.0.1:5001',
      '127.0.0.1',
      '',
      'localhost:5000:1',
      '10.0.0.1:5000',
    ])
      expect(refusalReason(request({ host }), options)).toMatch(/own names/);
    expect(refusalReason(request({ host: 'localhost' }), { loopbackOnly: true, port: 80 })).toBeUndefined();
  });

  it('shared on the network, answers any name but still no web page', () => {
    const options = { loopbackOnly: false, port: 5000 };
    expect(refusalReason(request({ host: '10.77.0.2:5000' }), options)).toBeUndefined();
    expect(refusalReason(request({ host: 'registry.lan:5000' }), options)).toBeUndefined();
    expect(refusalReason(request({ host: '10.77.0.2:5000', origin: 'http://10.77.0.9' }), options)).toMatch(
      /web pages/,
    );
    expect(
      refusalReason(request({ host: '10.77.0.2:5000', 'sec-fetch-site': 'same-site' }), options),
    ).toMatch(/web pages/);
    expect(
      refusalReason(request({ host: '10.77.0.2:5000', 'sec-fetch-site': 'none' }), options),
    ).toBeUndefined();
  });
});
