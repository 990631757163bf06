/**
 * The card's "38 % · 53.9 MB of 315 MB" must agree: a layer the registry already has (or mounts)
 * moves no bytes, so it adds nothing to the percentage either; and while layers are still being
 * sized the total is marked as still growing, so a jump from 212 MB to 317 MB is not silent.
 */
import { describe, expect, it } from 'vitest';
import { ProgressModel } from '../../electron/docker/progress-model';

const MB = 1_000_000;

describe('the overall percentage and the bytes beside it', () => {
  it('agree when some layers already exist or are mounted', () => {
    const model = new ProgressModel('push');
    model.apply({ id: 'aaa', status: 'Preparing' });
    model.apply({ id: 'bbb', status: 'Preparing' });
    model.apply({ id: 'ccc', status: 'Preparing' });
    model.apply({ id: 'aaa', status: 'Layer already exists' });
    model.apply({ id: 'bbb', status: 'Mounted from library/base' });
    model.apply({ id: 'ccc', status: 'Pushing', progressDetail: { current: 50 * MB, total: 100 * MB } });
    const progress = model.progress();
    expect(progress.bytesDone).toBe(50 * MB);
    expect(progress.bytesTotal).toBe(100 * MB);
    expect(progress.overall).toBeCloseTo(progress.bytesDone / progress.bytesTotal, 3);
    expect(progress.sizesPending).toBe(false);
  });

  it('says the total is still being discovered while a layer to move has no size yet', () => {
    const model = new ProgressModel('push');
    model.apply({ id: 'aaa', status: 'Preparing' });
    model.apply({ id: 'bbb', status: 'Preparing' });
    model.apply({ id: 'aaa', status: 'Pushing', progressDetail: { current: 10 * MB, total: 212 * MB } });
    expect(model.progress()).toMatchObject({ bytesTotal: 212 * MB, sizesPending: true });
    model.apply({ id: 'bbb', status: 'Pushing', progressDetail: { current: 1 * MB, total: 105 * MB } });
    expect(model.progress()).toMatchObject({ bytesTotal: 317 * MB, sizesPending: false });
  });
});
