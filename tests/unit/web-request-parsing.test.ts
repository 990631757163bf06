/**
 * What the browser host reads of a request before it trusts it: the target (which must never throw,
 * whatever a client sends) and the id of a request too large to parse.
 */
import { describe, expect, it } from 'vitest';
import { leadingRequestId } from '../../electron/api/ws-transport';
import { parseRequestTarget } from '../../electron/web/access-guard';

describe('parseRequestTarget', () => {
  it('reads a path and its query, a path that starts with // included', () => {
    expect(parseRequestTarget('/?token=abc')?.searchParams.get('token')).toBe('abc');
    expect(parseRequestTarget('//[')?.pathname).toBe('//[');
    expect(parseRequestTarget('//evil.example/x')?.pathname).toBe('//evil.example/x');
    expect(parseRequestTarget('/%ZZ')?.pathname).toBe('/%ZZ');
  });

  it('answers undefined, never throws, for targets that are not paths', () => {
    for (const target of [undefined, '', '*', 'http://[', 'http://[::1', 'http://%', 'x'])
      expect(parseRequestTarget(target)).toBeUndefined();
  });
});

describe('leadingRequestId', () => {
  it('reads the id the renderer writes first', () => {
    expect(leadingRequestId(Buffer.from('{"id":42,"command":"x"'))).toBe(42);
    expect(leadingRequestId(Buffer.from(' { "id" : 7 }'))).toBe(7);
  });

  it('reads nothing from text that does not start with an id', () => {
    for (const text of ['{"command":"x","id":3}', '{"id":-1,', '{"id":"5",', 'garbage', ''])
      expect(leadingRequestId(Buffer.from(text))).toBeUndefined();
  });
});
