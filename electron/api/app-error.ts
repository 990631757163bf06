/** The one error type services throw. It carries everything the UI needs and survives serialisation. */
import type { AppErrorData, ErrorCode, FixAction } from './contract/errors';

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly fix: FixAction | undefined;
  readonly raw: string | undefined;
  readonly issues: AppErrorData['issues'];

  constructor(
    code: ErrorCode,
    message: string,
    details: {
      hint?: string;
      fix?: FixAction;
      raw?: string;
      cause?: unknown;
      issues?: AppErrorData['issues'];
    } = {},
  ) {
    super(message, { cause: details.cause });
    this.name = 'AppError';
    this.code = code;
    this.hint = details.hint;
    this.fix = details.fix;
    this.raw = details.raw;
    this.issues = details.issues;
  }

  toData(): AppErrorData {
    const data: AppErrorData = { code: this.code, message: this.message };
    if (this.hint !== undefined) data.hint = this.hint;
    if (this.fix !== undefined) data.fix = this.fix;
    if (this.raw !== undefined) data.raw = this.raw;
    if (this.issues !== undefined) data.issues = this.issues;
    return data;
  }

  /** Anything thrown becomes an AppError; unknown failures keep their message as the raw cause. */
  static from(error: unknown): AppError {
    if (error instanceof AppError) return error;
    const raw = error instanceof Error ? error.message : String(error);
    return new AppError('INTERNAL', 'Something went wrong inside Berth.', { raw, cause: error });
  }
}
