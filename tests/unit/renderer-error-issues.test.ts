/** A validation error shows the reason, not an internal path like "addInsecureRegistries.0: …". */
import { describe, expect, it } from 'vitest';
import { issueLines } from '../../renderer/src/components/error-issues';

describe('issueLines', () => {
  it('drops internal paths and what the message already says', () => {
    const reason = "'http://reg.lan:5000' is not a registry host: write reg.lan:5000 (no http://).";
    expect(
      issueLines({
        code: 'INVALID_INPUT',
        message: reason,
        issues: [{ path: 'addInsecureRegistries.0', message: reason }],
      }),
    ).toEqual([]);
    const lines = issueLines({
      code: 'INVALID_INPUT',
      message: 'Berth could not use what was sent.',
      issues: [
        { path: 'addInsecureRegistries.0', message: 'Too small: expected string to have >=1 characters' },
        { path: 'addInsecureRegistries.1', message: 'Too small: expected string to have >=1 characters' },
      ],
    });
    expect(lines).toEqual(['Too small: expected string to have >=1 characters']);
    expect(lines.join(' ')).not.toContain('addInsecureRegistries');
  });
});
