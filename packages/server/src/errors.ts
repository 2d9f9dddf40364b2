/** @module errors: AppError, the one exception type handlers throw; the error handler turns it into the JSON envelope. */
import { ERROR_CATALOG, type ErrorCode } from '@parley/protocol';

export class AppError extends Error {
  override name = 'AppError';
  readonly status: number;
  readonly headers: Record<string, string>;

  constructor(
    readonly code: ErrorCode,
    message?: string,
    options: { status?: number; headers?: Record<string, string> } = {},
  ) {
    super(message ?? ERROR_CATALOG[code].message);
    this.status = options.status ?? ERROR_CATALOG[code].status;
    this.headers = options.headers ?? {};
  }

  toWire(): { error: { code: ErrorCode; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}
