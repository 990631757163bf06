/**
 * V8's explicit compile hint (Chromium 136+, so Electron 36+): `//# allFunctionsCalledOnLoad` on the
 * first line of a script makes V8 compile all of its functions on the background thread that streams
 * the script in, instead of one by one on the main thread the first time each is called. The renderer
 * is one bundle, and the app runs most of it at start (React, the stores, the views' shells), so
 * compiling all of it off the main thread is cheaper than compiling most of it on it. Other engines
 * read it as a comment. Put first in the shipped bundle (vite.config.ts) and in the benchmarks' build
 * of the same code (bench/lib/renderer-page.ts).
 *
 * Measured in Chromium 156, the app's built bundle served by the browser host, 6 loads each
 * alternating: script time until the app settled fell from 106 to 68 ms (median), main-thread task
 * time from 360 to 256 ms. The first progress update of the transfers panel no longer compiles the
 * panel's code on the main thread: bench/renderer-progress-bench.ts, 15 rounds of each build
 * alternating, 113.7 → 96.6 ms for 10,000 events (median; −15.3 ms median within pairs).
 */
export const COMPILE_HINT = '//# allFunctionsCalledOnLoad';
