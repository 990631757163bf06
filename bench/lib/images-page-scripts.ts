/**
 * The scripts the images benchmark runs inside the page (as strings for `page.evaluate`): deliver the
 * list and wait for its first rows, scroll it in jumps, scroll it at a mouse wheel's pace, watch the
 * rows while typing a filter, and count rows.
 */

/**
 * Runs in the page: delivers the list from a task of its own (as an IPC reply arrives), marks when
 * the first row enters the DOM, and waits until rows are on screen and two more frames have run.
 */
export const LOAD = `(async () => {
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  const body = document.querySelector('.table-body');
  await frame();
  await new Promise((resolve) => setTimeout(resolve, 0));
  let rowsAt;
  const observer = new MutationObserver(() => {
    if (rowsAt === undefined && body.querySelector('.table-row')) {
      rowsAt = performance.now();
      performance.mark('bench:rows');
      observer.disconnect();
    }
  });
  observer.observe(body, { childList: true, subtree: true });
  performance.mark('bench:deliver');
  const deliveredAt = performance.now();
  window.__deliverImages();
  while (rowsAt === undefined) await frame();
  await frame();
  await frame();
  return { domMs: rowsAt - deliveredAt, rows: body.querySelectorAll('.table-row').length };
})()`;

/**
 * Runs in the page: scrolls the list top to bottom in equal steps, one per frame, keeping every
 * frame's requestAnimationFrame timestamp and the most rows the DOM held.
 */
export const SCROLL = `(async (steps) => {
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  const body = document.querySelector('.table-body');
  const max = body.scrollHeight - body.clientHeight;
  await frame();
  performance.mark('bench:scroll-start');
  const stamps = [await frame()];
  let rows = 0;
  for (let step = 1; step <= steps; step += 1) {
    body.scrollTop = Math.round((max * step) / steps);
    stamps.push(await frame());
    rows = Math.max(rows, body.querySelectorAll('.table-row').length);
  }
  stamps.push(await frame());
  stamps.push(await frame());
  performance.mark('bench:scroll-end');
  const last = document.querySelector('[role=table][aria-label="Local images"]').getAttribute('aria-rowcount');
  return {
    intervals: stamps.slice(1).map((stamp, index) => stamp - stamps[index]),
    rows,
    reachedEnd: document.querySelector('.table-row[aria-rowindex="' + last + '"]') !== null,
  };
})`;

/**
 * Runs in the page: scrolls from the top at a fast mouse wheel's pace (120 px per frame, 7,200 px/s),
 * so each frame brings in a row or two; answers the frames' intervals.
 */
export const WHEEL_PACE = `(async () => {
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  const body = document.querySelector('.table-body');
  body.scrollTop = 0;
  await frame();
  await frame();
  const stamps = [await frame()];
  for (let step = 1; step <= 60; step += 1) {
    body.scrollTop += 120;
    stamps.push(await frame());
  }
  stamps.push(await frame());
  return stamps.slice(1).map((stamp, index) => stamp - stamps[index]);
})()`;

/** Runs in the page before typing: marks every change to the rows or the row count. */
export const WATCH_ROWS = `(() => {
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  document.querySelector('.table-body').scrollTop = 0;
  new MutationObserver(() => performance.mark('bench:rows-changed')).observe(
    document.querySelector('[role=table][aria-label="Local images"]'),
    { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ['aria-rowcount'] },
  );
  return frame().then(frame);
})()`;

export const ROW_COUNT = `Number(document.querySelector('[role=table][aria-label="Local images"]').getAttribute('aria-rowcount')) - 1`;
export const ROWS_IN_DOM = `document.querySelectorAll('.table-row').length`;
