/**
 * The router: the only way from a transport to a service. It checks the command exists, the payload is
 * not oversized and the input matches the contract's schema before any handler runs, and it turns
 * every failure into an AppErrorData value so the renderer can show it.
 */
import type { z } from 'zod';
import {
  MAX_REQUEST_BYTES,
  commands,
  isCommandName,
  type CommandName,
  type CommandOutput,
  type ParsedInput,
  type ResponseMessage,
  UNREADABLE_REQUEST_ID,
} from './contract';
import { AppError } from './app-error';

/** Who is calling: lets handlers tie long work to the caller (e.g. cancel on disconnect). */
export interface CallContext {
  readonly clientId: string;
}

export type Handler<K extends CommandName> = (
  input: ParsedInput<K>,
  context: CallContext,
) => Promise<z.input<(typeof commands)[K]['output']>> | z.input<(typeof commands)[K]['output']>;

export type Handlers = { [K in CommandName]: Handler<K> };

/** The handlers of one domain, e.g. `HandlersFor<'images'>` has `images.list`, `images.tag`… */
export type HandlersFor<Domain extends string> = {
  [K in CommandName as K extends `${Domain}.${string}` ? K : never]: Handler<K>;
};

export interface Router {
  /**
   * Handle one request whose JSON text was `byteLength` bytes long. Never throws. `fallbackId` answers
   * a request that wasn't parsed (too large) but whose id the transport could read.
   */
  handle(
    request: unknown,
    byteLength: number,
    context: CallContext,
    fallbackId?: number,
  ): Promise<ResponseMessage>;
}

export interface RouterOptions {
  /** Called with failures that are not the caller's fault, for the host's log. Secrets never reach it. */
  onInternalError?: (command: string, error: unknown) => void;
}

export function createRouter(handlers: Handlers, options: RouterOptions = {}): Router {
  return {
    async handle(request, byteLength, context, fallbackId) {
      const id = request === undefined && fallbackId !== undefined ? fallbackId : readId(request);
      try {
        if (byteLength > MAX_REQUEST_BYTES) {
          throw new AppError(
            'PAYLOAD_TOO_LARGE',
            `Request of ${byteLength} bytes is over the ${MAX_REQUEST_BYTES}-byte limit.`,
          );
        }
        if (typeof request !== 'object' || request === null) {
          throw new AppError('INVALID_INPUT', 'A request must be an object with id, command and input.');
        }
        const { command: name, input } = request as { command?: unknown; input?: unknown };
        if (!isCommandName(name)) {
          throw new AppError(
            'UNKNOWN_COMMAND',
            `There is no command named ${JSON.stringify(String(name)).slice(0, 80)}.`,
          );
        }
        const result = await dispatch(name, input ?? {}, context);
        return { id, ok: true, result };
      } catch (error) {
        const appError = AppError.from(error);
        if (appError.code === 'INTERNAL') options.onInternalError?.(describe(request), error);
        return { id, ok: false, error: appError.toData() };
      }
    },
  };

  async function dispatch<K extends CommandName>(
    name: K,
    input: unknown,
    context: CallContext,
  ): Promise<CommandOutput<K>> {
    const spec = commands[name];
    const parsed = spec.input.safeParse(input);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => ({
        path: issue.path.map(String).join('.') || '(input)',
        message: issue.message,
      }));
      // The message is what a user reads: the reasons only. The command and the fields' paths
      // (`addInsecureRegistries.0`) mean nothing to them; the paths stay in `issues` (the UI shows
      // their reasons only, see renderer/src/components/error-issues.ts).
      throw new AppError('INVALID_INPUT', userMessage(issues.map((issue) => issue.message)), { issues });
    }
    const handler = handlers[name] as Handler<K>;
    const output = await handler(parsed.data as ParsedInput<K>, context);
    // The output is checked too: a service that breaks the contract is a bug we want to see at once.
    const checked = spec.output.safeParse(output);
    if (!checked.success) {
      throw new AppError('INTERNAL', `The answer to ${name} did not match the contract.`, {
        raw: checked.error.message,
      });
    }
    return checked.data as CommandOutput<K>;
  }
}

/** "Not an image name or image ID." from the schemas' reasons, each once. */
function userMessage(reasons: string[]): string {
  const unique = [...new Set(reasons)];
  const text = unique.join('; ') || 'That input is not valid';
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}${/[.!?]$/.test(text) ? '' : '.'}`;
}

function readId(request: unknown): number {
  if (typeof request === 'object' && request !== null) {
    const id = (request as { id?: unknown }).id;
    if (typeof id === 'number' && Number.isSafeInteger(id)) return id;
  }
  return UNREADABLE_REQUEST_ID;
}

function describe(request: unknown): string {
  if (typeof request === 'object' && request !== null) {
    const name = (request as { command?: unknown }).command;
    if (typeof name === 'string') return name.slice(0, 80);
  }
  return '(unknown)';
}
