/**
 * A push to the local registry's old port (after "Use port 5001") says the registry moved and offers
 * the image's name for the new port, instead of "Check that the registry is running".
 */
import { describe, expect, it } from 'vitest';
import { parseReference } from '../../electron/common/reference';
import { diagnoseDaemonMessage } from '../../electron/docker/diagnose';
import { explainLocalRegistryMove } from '../../electron/docker/local-registry-moved';

const refOf = (text: string) => {
  const parsed = parseReference(text);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.ref;
};
const refused = (reference: string) =>
  diagnoseDaemonMessage('Get "http://localhost:5000/v2/": dial tcp [::1]:5000: connect: connection refused', {
    operation: 'push',
    registry: refOf(reference).domain,
    reference,
  });

describe('a push to the local registry’s old port', () => {
  it('says it moved and offers the new name', () => {
    const ref = refOf('localhost:5000/hello:1');
    const error = explainLocalRegistryMove('push', ref, refused('localhost:5000/hello:1'), 5001);
    expect(error.message).toBe(
      "Berth's local registry moved from port 5000 to port 5001, and localhost:5000/hello:1 is still named for port 5000.",
    );
    expect(error.fix).toEqual({
      kind: 'retagForLocalRegistry',
      source: 'localhost:5000/hello:1',
      target: 'localhost:5001/hello:1',
    });
    expect(error.message).not.toContain('Check that the registry is running');
    // 127.0.0.1 names the same registry.
    const loopback = explainLocalRegistryMove(
      'push',
      refOf('127.0.0.1:5000/team/app:2'),
      refused('127.0.0.1:5000/team/app:2'),
      5001,
    );
    expect(loopback.fix).toMatchObject({ target: 'localhost:5001/team/app:2' });
  });

  it('leaves other failures alone: the same port, another host, a pull', () => {
    const diagnosed = refused('localhost:5000/hello:1');
    expect(explainLocalRegistryMove('push', refOf('localhost:5000/hello:1'), diagnosed, 5000)).toBe(
      diagnosed,
    );
    const elsewhere = refused('registry.lan:5000/hello:1');
    expect(explainLocalRegistryMove('push', refOf('registry.lan:5000/hello:1'), elsewhere, 5001)).toBe(
      elsewhere,
    );
    expect(explainLocalRegistryMove('pull', refOf('localhost:5000/hello:1'), diagnosed, 5001)).toBe(
      diagnosed,
    );
  });
});
