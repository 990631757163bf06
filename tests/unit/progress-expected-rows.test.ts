// The fast local push announces its layer count before the rows exist (issue 23): the overall bar and
// the time left must count the layers not seen yet, and "Written" finishes a row.
import { describe, expect, it } from 'vitest';
import { ProgressModel } from '../../electron/docker/progress-model';

describe('ProgressModel.expectRows', () => {
  it('keeps the bar short of the end while announced layers have not started', () => {
    const model = new ProgressModel('push');
    model.expectRows(4);
    model.apply({ id: 'a', status: 'Writing', progressDetail: { current: 0, total: 100 } }, 0);
    model.apply({ id: 'a', status: 'Written', progressDetail: { current: 100, total: 100 } }, 1000);
    const oneOfFour = model.progress(1000);
    expect(oneOfFour.rows[0]).toMatchObject({ status: 'Written', done: true });
    expect(oneOfFour.overall).toBeCloseTo(0.25, 2);
    // Three layers of unknown size are still to come: no estimate rather than a wrong one.
    expect(oneOfFour.etaSeconds).toBeNull();
    for (const id of ['b', 'c', 'd'])
      model.apply({ id, status: 'Written', progressDetail: { current: 100, total: 100 } }, 2000);
    expect(model.progress(2000).overall).toBeGreaterThan(0.99);
  });

  it('without an announcement, one finished layer is the whole known work (as for docker push)', () => {
    const model = new ProgressModel('push');
    model.apply({ id: 'a', status: 'Writing', progressDetail: { current: 0, total: 100 } }, 0);
    model.apply({ id: 'a', status: 'Written', progressDetail: { current: 100, total: 100 } }, 0);
    expect(model.progress(0).overall).toBeGreaterThan(0.99);
  });
});
