/**
 * Reading a Chrome trace (Playwright's `browser.stopTracing()`) for the renderer's main thread: its
 * top-level tasks with wall and thread time, the page's `performance.mark()`s, and named events
 * such as `Layerize` (the end of a frame's main-thread work) or `EventDispatch`. Times are in ms on the
 * trace's clock.
 */

interface RawEvent {
  name: string;
  cat?: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string; data?: { type?: string } };
}

/** One top-level task of the main thread. */
export interface MainTask {
  start: number;
  end: number;
  /** Wall time, ms. */
  wall: number;
  /** Thread (CPU) time, ms: unlike wall time, it does not grow when a loaded machine preempts the thread. */
  cpu: number;
}

/** One complete event of the main thread, e.g. `Layerize`, `Paint` or `EventDispatch`. */
export interface MainEvent {
  name: string;
  start: number;
  end: number;
  /** For `EventDispatch`: the DOM event's type (`keydown`, `input`, `scroll`…). */
  type?: string;
  /** Thread (CPU) time, ms, when the trace gives it. */
  cpu?: number;
}

export interface MainThreadTrace {
  tasks: MainTask[];
  events: MainEvent[];
  /** `performance.mark(name)` → the times it was made, in order. */
  marks: Map<string, number[]>;
}

export function readMainThread(trace: Buffer): MainThreadTrace {
  const raw = (JSON.parse(trace.toString('utf8')) as { traceEvents: RawEvent[] }).traceEvents;
  const main = raw.find((event) => event.name === 'thread_name' && event.args?.name === 'CrRendererMain');
  if (!main) throw new Error('no renderer main thread in the trace');
  const onMain = raw
    .filter((event) => event.pid === main.pid && event.tid === main.tid)
    .sort((a, b) => a.ts - b.ts);
  const tasks: MainTask[] = [];
  const events: MainEvent[] = [];
  const marks = new Map<string, number[]>();
  let end = Number.NEGATIVE_INFINITY;
  for (const event of onMain) {
    if (
      event.cat?.includes('blink.user_timing') &&
      (event.ph === 'R' || event.ph === 'I' || event.ph === 'n')
    ) {
      marks.set(event.name, [...(marks.get(event.name) ?? []), event.ts / 1000]);
      continue;
    }
    if (event.ph !== 'X') continue;
    const span = { start: event.ts / 1000, end: (event.ts + (event.dur ?? 0)) / 1000 };
    if (event.name.endsWith('RunTask') && event.tdur !== undefined) {
      if (event.ts < end) continue; // nested in the previous task
      end = event.ts + (event.dur ?? 0);
      tasks.push({ ...span, wall: (event.dur ?? 0) / 1000, cpu: event.tdur / 1000 });
    } else {
      events.push({
        name: event.name,
        ...span,
        ...(event.args?.data?.type ? { type: event.args.data.type } : {}),
        ...(event.tdur !== undefined ? { cpu: event.tdur / 1000 } : {}),
      });
    }
  }
  return { tasks, events, marks };
}

/** The main thread's tasks that overlap [from, to]. */
export function tasksBetween(trace: MainThreadTrace, from: number, to: number): MainTask[] {
  return trace.tasks.filter((task) => task.end > from && task.start < to);
}

/**
 * The end of the main thread's part of the first frame that starts at or after `time`: its `Layerize`
 * step, the last before the frame is handed to the compositor (which rasterizes and shows it).
 */
export function nextFrameEnd(trace: MainThreadTrace, time: number): number {
  const frame = trace.events.find((event) => event.name === 'Layerize' && event.start >= time);
  if (!frame) throw new Error(`no frame was painted after ${time.toFixed(1)} ms`);
  return frame.end;
}

/** The times a `performance.mark(name)` was made in the page (at least once, or it throws). */
export function markTimes(trace: MainThreadTrace, name: string): number[] {
  const times = trace.marks.get(name);
  if (!times?.length) throw new Error(`no mark ${name} in the trace`);
  return times;
}
