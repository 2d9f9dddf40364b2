/** @module files: the attachment flow's wire shapes (presign, download URL) and MTChat's MIME allowlist. */
import { z } from 'zod';
import { Uuid } from './common.js';

/**
 * The content types a file may be uploaded as (MTChat's list, exact and case-sensitive). The empty string is
 * allowed too, as in MTChat (a browser reports "" for a file it cannot type); such a file is served as
 * application/octet-stream, always as a download.
 */
export const ALLOWED_CONTENT_TYPES = [
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/webp',
  'image/svg+xml',
  'image/bmp',
  'image/tiff',
  'application/pdf',
  'application/msword',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.ms-excel',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.ms-powerpoint',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/vnd.oasis.opendocument.presentation',
  'application/rtf',
  'text/plain',
  'text/csv',
  'text/markdown',
  'text/html',
  'text/xml',
  'application/json',
  'application/zip',
  'application/x-rar-compressed',
  'application/vnd.rar',
  'application/x-7z-compressed',
  'application/gzip',
  'application/x-tar',
  'audio/mpeg',
  'audio/wav',
  'audio/ogg',
  'audio/mp4',
  'video/mp4',
  'video/webm',
  'video/ogg',
  'video/quicktime',
] as const;

const allowed = new Set<string>([...ALLOWED_CONTENT_TYPES, '']);

export function isAllowedContentType(value: string): boolean {
  return allowed.has(value);
}

export const PresignBody = z.object({
  dialog_id: Uuid,
  filename: z.string().min(1).max(255),
  content_type: z.string().max(255),
  size: z.number().int(),
});
export type PresignBody = z.infer<typeof PresignBody>;

export const PresignedUpload = z.object({
  upload_url: z.string(),
  s3_key: z.string(),
  expires_in: z.number().int(),
});

export const AttachmentParams = z.object({ id: Uuid });

/** GET /attachments/{id}/url: keys in alphabetical order, as MTChat prints this ad-hoc object. */
export const AttachmentUrl = z.object({
  expires_in: z.number().int(),
  thumbnail_url: z.string().nullable(),
  url: z.string(),
});
