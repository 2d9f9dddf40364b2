/** @module errors: the catalog of every error code Parley puts on the wire, with its HTTP status. */

export interface ErrorSpec {
  readonly status: number;
  /** Whether a client may retry the same request unchanged (after a pause or a token refresh). */
  readonly retryable: boolean;
  readonly message: string;
}

/**
 * Codes are append-only: MTChat's codes keep their meaning, Parley's own are added after them.
 * The wire form of every error is `{"error":{"code":CODE,"message":text}}`.
 */
export const ERROR_CATALOG = {
  // MTChat's codes
  INVALID_INPUT: { status: 400, retryable: false, message: 'Invalid input' },
  BAD_REQUEST: { status: 400, retryable: false, message: 'Bad request' },
  FILE_TOO_LARGE: { status: 400, retryable: false, message: 'File too large' },
  UNSUPPORTED_FILE_TYPE: { status: 400, retryable: false, message: 'File type not allowed' },
  UNAUTHORIZED: { status: 401, retryable: false, message: 'Authentication required' },
  FORBIDDEN: { status: 403, retryable: false, message: 'Forbidden' },
  NOT_PARTICIPANT: { status: 403, retryable: false, message: 'Not a participant' },
  NOT_MESSAGE_AUTHOR: { status: 403, retryable: false, message: 'Not the author of this message' },
  SCOPE_MISMATCH: { status: 403, retryable: false, message: 'No access to this dialog' },
  NOT_FOUND: { status: 404, retryable: false, message: 'Not found' },
  DIALOG_NOT_FOUND: { status: 404, retryable: false, message: 'Dialog not found' },
  MESSAGE_NOT_FOUND: { status: 404, retryable: false, message: 'Message not found' },
  ATTACHMENT_NOT_FOUND: { status: 404, retryable: false, message: 'Attachment not found' },
  RATE_LIMIT_EXCEEDED: { status: 429, retryable: true, message: 'Too many requests. Please slow down.' },
  INTERNAL_ERROR: { status: 500, retryable: true, message: 'Internal server error' },
  // Parley's own
  TOKEN_EXPIRED: { status: 401, retryable: true, message: 'Token expired' },
  METHOD_NOT_ALLOWED: { status: 405, retryable: false, message: 'Method not allowed' },
  PAYLOAD_TOO_LARGE: { status: 413, retryable: false, message: 'Request body too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, retryable: false, message: 'Unsupported media type' },
  NOT_READY: { status: 503, retryable: true, message: 'Service not ready' },
  DATABASE_UNAVAILABLE: { status: 503, retryable: true, message: 'The database is unavailable; retry shortly' },
  STORAGE_UNAVAILABLE: { status: 503, retryable: true, message: 'The file store is unavailable; retry shortly' },
  UPLOAD_QUOTA_EXCEEDED: { status: 429, retryable: false, message: 'Too many bytes in unattached uploads' },
  CONFLICT: { status: 409, retryable: false, message: 'Conflict with the current state' },
  NOT_IMPLEMENTED: { status: 501, retryable: false, message: 'Not implemented' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

/** The body of every error response. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CATALOG, value);
}
