/**
 * Building blocks of the API contract. A command has an input and an output schema; an event has a
 * payload schema. This file, like every contract file, imports only zod, so the renderer can use it.
 */
import type { z } from 'zod';

/** A command the renderer may call: `domain.verb`, validated on the host before any service runs. */
export interface CommandSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly input: I;
  readonly output: O;
  readonly summary: string;
}

/** An event the host may push to the renderer. */
export interface EventSpec<P extends z.ZodType = z.ZodType> {
  readonly payload: P;
  readonly summary: string;
}

export function command<I extends z.ZodType, O extends z.ZodType>(
  input: I,
  output: O,
  summary: string,
): CommandSpec<I, O> {
  return { input, output, summary };
}

export function event<P extends z.ZodType>(payload: P, summary: string): EventSpec<P> {
  return { payload, summary };
}
