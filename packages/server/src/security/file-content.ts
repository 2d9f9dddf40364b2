/**
 * @module security/file-content: what Parley trusts about a file. Declared types are checked against the file's
 * first bytes (a signature table for every allowlisted type), filenames are cleaned before they are stored or
 * served, and only plainly passive types are ever served inline.
 */
/** How many leading bytes the checks read (enough for a tar header's magic at 257). */
export const SNIFF_BYTES = 4096;

type Check = (b: Buffer) => boolean;

const at =
  (offset: number, ...bytes: number[]): Check =>
  (b) =>
    b.length >= offset + bytes.length && bytes.every((x, i) => b[offset + i] === x);
const ascii = (offset: number, text: string): Check => at(offset, ...Buffer.from(text, 'latin1'));
const any =
  (...checks: Check[]): Check =>
  (b) =>
    checks.some((c) => c(b));
const all =
  (...checks: Check[]): Check =>
  (b) =>
    checks.every((c) => c(b));

const zip = any(at(0, 0x50, 0x4b, 0x03, 0x04), at(0, 0x50, 0x4b, 0x05, 0x06));
const cfb = at(0, 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1);
/** ISO base media (MP4, M4A, QuickTime): a box size, then `ftyp` (QuickTime may open with other atoms). */
const isoMedia = ascii(4, 'ftyp');
const quicktime = any(isoMedia, ascii(4, 'moov'), ascii(4, 'mdat'), ascii(4, 'wide'), ascii(4, 'free'), ascii(4, 'skip'), ascii(4, 'pnot'));
/** An OpenDocument file is a zip whose first entry is an uncompressed `mimetype` naming its type. */
const openDocument = (type: string): Check => all(zip, ascii(30, 'mimetype'), ascii(38, type));
const mp3 = any(ascii(0, 'ID3'), (b) => b.length >= 2 && b[0] === 0xff && (b[1]! & 0xe0) === 0xe0);

/** Text: UTF-8 (or a UTF-16 byte-order mark), no NUL and no control characters besides whitespace. */
function isText(b: Buffer): boolean {
  if (at(0, 0xff, 0xfe)(b) || at(0, 0xfe, 0xff)(b)) return true;
  const body = at(0, 0xef, 0xbb, 0xbf)(b) ? b.subarray(3) : b;
  for (const byte of body) {
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0c && byte !== 0x0d) return false;
    if (byte === 0x7f) return false;
  }
  // The sample may end inside a multi-byte character: drop up to 3 trailing bytes before decoding strictly.
  for (let cut = 0; cut <= 3 && cut <= body.length; cut++) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(body.subarray(0, body.length - cut));
      return true;
    } catch {
      // try a shorter sample
    }
  }
  return false;
}

/** The first non-space character of a text sample. */
const startsWith =
  (chars: string): Check =>
  (b) => {
    const text = b
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trimStart();
    return text.length > 0 && chars.includes(text[0]!);
  };

const SIGNATURES: Record<string, Check> = {
  'image/jpeg': at(0, 0xff, 0xd8, 0xff),
  'image/png': at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a),
  'image/gif': any(ascii(0, 'GIF87a'), ascii(0, 'GIF89a')),
  'image/webp': all(ascii(0, 'RIFF'), ascii(8, 'WEBP')),
  'image/svg+xml': all(isText, startsWith('<')),
  'image/bmp': ascii(0, 'BM'),
  'image/tiff': any(at(0, 0x49, 0x49, 0x2a, 0x00), at(0, 0x4d, 0x4d, 0x00, 0x2a)),
  'application/pdf': ascii(0, '%PDF-'),
  'application/msword': cfb,
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': zip,
  'application/vnd.ms-excel': cfb,
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': zip,
  'application/vnd.ms-powerpoint': cfb,
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': zip,
  'application/vnd.oasis.opendocument.text': openDocument('application/vnd.oasis.opendocument.text'),
  'application/vnd.oasis.opendocument.spreadsheet': openDocument('application/vnd.oasis.opendocument.spreadsheet'),
  'application/vnd.oasis.opendocument.presentation': openDocument('application/vnd.oasis.opendocument.presentation'),
  'application/rtf': ascii(0, '{\\rtf'),
  'text/plain': isText,
  'text/csv': isText,
  'text/markdown': isText,
  'text/html': isText,
  'text/xml': all(isText, startsWith('<')),
  'application/json': all(isText, startsWith('{["-0123456789tfn')),
  'application/zip': zip,
  'application/x-rar-compressed': ascii(0, 'Rar!\x1a\x07'),
  'application/vnd.rar': ascii(0, 'Rar!\x1a\x07'),
  'application/x-7z-compressed': at(0, 0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c),
  'application/gzip': at(0, 0x1f, 0x8b),
  'application/x-tar': ascii(257, 'ustar'),
  'audio/mpeg': mp3,
  'audio/wav': all(ascii(0, 'RIFF'), ascii(8, 'WAVE')),
  'audio/ogg': ascii(0, 'OggS'),
  'audio/mp4': isoMedia,
  'video/mp4': isoMedia,
  'video/webm': at(0, 0x1a, 0x45, 0xdf, 0xa3),
  'video/ogg': ascii(0, 'OggS'),
  'video/quicktime': quicktime,
};

/** Whether the first bytes of a file fit its declared type. A file declared as "" (untyped) is never trusted. */
export function matchesDeclaredType(contentType: string, firstBytes: Buffer): boolean {
  if (contentType === '') return true;
  const check = SIGNATURES[contentType];
  return check?.(firstBytes) ?? false;
}

/** Raster images Parley makes thumbnails of (BMP only gets its dimensions). */
export const THUMBNAIL_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/tiff']);

/** Served inline: images that cannot run script, audio, video and PDF. Everything else is a download. */
const INLINE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/bmp', 'image/tiff', 'application/pdf']);

/** Types a browser would execute or render as a document: always served as downloads. */
export const ACTIVE_TYPES = new Set(['image/svg+xml', 'text/html', 'text/xml']);

/**
 * A Content-Disposition value (RFC 6266): a plain-ASCII `filename` fallback for old clients, and the exact name as
 * RFC 8187 `filename*` when it has anything else.
 */
export function contentDisposition(filename: string, type: 'inline' | 'attachment'): string {
  const fallback = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const plain = `${type}; filename="${fallback}"`;
  if (fallback === filename) return plain;
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${plain}; filename*=UTF-8''${encoded}`;
}

/** The Content-Type and Content-Disposition a stored file is served with. */
export function servingHeaders(contentType: string, filename: string): { contentType: string; disposition: string } {
  const inline = !ACTIVE_TYPES.has(contentType) && (INLINE_TYPES.has(contentType) || /^(audio|video)\//.test(contentType));
  return {
    contentType: contentType === '' ? 'application/octet-stream' : contentType,
    disposition: contentDisposition(filename, inline ? 'inline' : 'attachment'),
  };
}

const encoder = new TextEncoder();

/**
 * A filename safe to store and to offer in a download: the last path segment only, without control or
 * bidirectional-override characters, reserved punctuation or leading dots, at most 255 UTF-8 bytes (the
 * extension kept), and never empty.
 */
export function sanitizeFilename(raw: string): string {
  let name = raw.normalize('NFC');
  name = name.split(/[\\/]/).pop() ?? '';
  name = name
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, '')
    .replace(/[<>:"|?*]/g, '_')
    .trim()
    .replace(/^\.+/, '')
    .trim();
  if (name === '') name = 'file';
  if (encoder.encode(name).length <= 255) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  let stem = name.slice(0, name.length - ext.length);
  while (encoder.encode(stem + ext).length > 255) stem = Array.from(stem).slice(0, -1).join('');
  return stem + ext;
}

const DEFAULT_EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/svg+xml': 'svg',
  'image/bmp': 'bmp',
  'image/tiff': 'tiff',
  'application/pdf': 'pdf',
  'text/plain': 'txt',
  'text/csv': 'csv',
  'text/markdown': 'md',
  'text/html': 'html',
  'text/xml': 'xml',
  'application/json': 'json',
  'application/zip': 'zip',
  'application/gzip': 'gz',
  'application/x-tar': 'tar',
};

/** The extension of a storage key: the filename's own if it is short and alphanumeric, else one for the type. */
export function safeExtension(filename: string, contentType: string): string {
  const dot = filename.lastIndexOf('.');
  const ext = dot >= 0 ? filename.slice(dot + 1).toLowerCase() : '';
  if (/^[a-z0-9]{1,10}$/.test(ext)) return ext;
  return DEFAULT_EXTENSIONS[contentType] ?? 'bin';
}
