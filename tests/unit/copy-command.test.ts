/** The skopeo command a copy's card shows, and the notices a finished copy gives. */
import { describe, expect, it } from 'vitest';
import { finishedNotices } from '../../electron/common/transfer-notices';
import { copyCommand } from '../../electron/common/copy-command';

const request = {
  source: { host: 'ghcr.io', repository: 'team/app', reference: '1.0' },
  target: { host: '127.0.0.1:5000', repository: 'mirror/app', tag: 'v1' },
};

describe('copyCommand', () => {
  it('copies every platform with --all, and says HTTP only for the end that uses it', () => {
    expect(copyCommand(request, { source: false, target: true })).toBe(
      'skopeo copy --all --dest-tls-verify=false docker://ghcr.io/team/app:1.0 docker://127.0.0.1:5000/mirror/app:v1',
    );
  });

  it('names one chosen platform with --override-*, and a source digest with @', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(
      copyCommand(
        { ...request, source: { ...request.source, reference: digest }, platforms: ['linux/arm64/v8'] },
        { source: false, target: false },
      ),
    ).toBe(
      `skopeo copy --override-os linux --override-arch arm64 --override-variant v8 docker://ghcr.io/team/app@${digest} docker://127.0.0.1:5000/mirror/app:v1`,
    );
  });
});

describe('finished copies', () => {
  it('says Copied, and counts copies among pushes', () => {
    const copy = {
      kind: 'copy' as const,
      reference: '127.0.0.1:5000/mirror/app:v1',
      state: 'succeeded' as const,
    };
    expect(finishedNotices([copy], true)[0]?.title).toBe('Copied 127.0.0.1:5000/mirror/app:v1');
    const push = { ...copy, kind: 'push' as const, reference: 'x/y:1' };
    expect(finishedNotices([push, copy, copy], true)[0]?.title).toBe('Pushed 1 image and copied 2 images');
    const failed = { ...copy, state: 'failed' as const };
    expect(finishedNotices([failed], false)[0]?.title).toBe('Copy of 127.0.0.1:5000/mirror/app:v1 failed');
    expect(finishedNotices([failed, failed, { ...push, state: 'failed' as const }], false)[0]?.title).toBe(
      '1 push and 2 copies failed',
    );
  });
});
