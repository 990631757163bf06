/**
 * The one API contract between the renderer and the host. Every command (`domain.verb`) and event is
 * declared once, in a file per domain under ./contract/, and assembled here. Only zod is imported, so
 * the renderer imports this file too; the router validates every call against it.
 */
import type { z } from 'zod';
import { appCommands, appEvents } from './contract/app';
import { guideCommands, guideEvents } from './contract/guide';
import { daemonConfigCommands, daemonConfigEvents } from './contract/daemon-config';
import { imagesCommands, imagesEvents } from './contract/images';
import { loginsCommands, loginsEvents } from './contract/logins';
import { registryCommands, registryEvents } from './contract/registry';
import { remoteCommands } from './contract/remote';
import { transfersCommands, transfersEvents } from './contract/transfers';
import type { AppErrorData } from './contract/errors';

export const commands = {
  ...appCommands,
  ...imagesCommands,
  ...registryCommands,
  ...transfersCommands,
  ...daemonConfigCommands,
  ...loginsCommands,
  ...remoteCommands,
  ...guideCommands,
} as const;

export const events = {
  ...appEvents,
  ...imagesEvents,
  ...registryEvents,
  ...transfersEvents,
  ...daemonConfigEvents,
  ...loginsEvents,
  ...guideEvents,
} as const;

export type Commands = typeof commands;
export type Events = typeof events;
export type CommandName = Extract<keyof Commands, string>;
export type EventName = Extract<keyof Events, string>;
/** What the renderer sends (defaults may be left out). */
export type CommandInput<K extends CommandName> = z.input<Commands[K]['input']>;
/** What a handler receives after validation (defaults filled in). */
export type ParsedInput<K extends CommandName> = z.output<Commands[K]['input']>;
export type CommandOutput<K extends CommandName> = z.output<Commands[K]['output']>;
export type EventPayload<K extends EventName> = z.output<Events[K]['payload']>;

/** Largest request a transport accepts, in bytes of JSON. */
export const MAX_REQUEST_BYTES = 256 * 1024;

/**
 * The `id` of a response to a request whose own id could not be read (not JSON, not an object, or
 * too large to parse with no leading `"id"`). A caller gets no answer to its own id then: the
 * renderer's clients time such a call out as lost. They never send one: their requests are small,
 * well-formed and start with the id.
 */
export const UNREADABLE_REQUEST_ID = -1;

/** The wire format both transports (IPC and WebSocket) speak. */
export interface RequestMessage {
  /** Chosen by the caller; its response carries the same id (see `UNREADABLE_REQUEST_ID`). */
  id: number;
  command: string;
  input: unknown;
}
export type ResponseMessage =
  { id: number; ok: true; result: unknown } | { id: number; ok: false; error: AppErrorData };
export interface EventMessage {
  event: string;
  payload: unknown;
}

export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(commands, name);
}

export type { AppErrorData, ErrorCode, FixAction } from './contract/errors';
