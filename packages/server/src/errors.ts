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

// The errors more than one module throws, each made fresh at the throw (an AppError carries its own stack).

/** The Management API's and the resources' generic 404: `${what} not found`. */
export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`);
/** A dialog that does not exist or that the caller may not know about (the Chat API). */
export const dialogNotFound = () => new AppError('DIALOG_NOT_FOUND', 'Dialog not found');
export const messageNotFound = () => new AppError('MESSAGE_NOT_FOUND', 'Message not found');
export const attachmentNotFound = () => new AppError('ATTACHMENT_NOT_FOUND', 'Attachment not found');
export const notParticipant = () => new AppError('NOT_PARTICIPANT', 'Not a participant');
/** MTChat's answer to a non-participant who reads a dialog's participants or flags its messages. */
export const participantsOnly = () => new AppError('FORBIDDEN', 'Not a participant');
/** MTChat's answer to a non-participant who reads or writes a dialog's messages. */
export const joinFirst = () => new AppError('FORBIDDEN', 'Not a participant. Join the dialog first.');
