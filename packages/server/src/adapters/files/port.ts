/**
 * @module files/port: what Parley needs from a file store. Two implementations, one flow: S3 and the embedded
 * disk store. Clients only ever see URLs, which the HTTP edge signs for a grant (http/links.ts): stores know no HTTP.
 */

/** What an upload URL lets its holder do: PUT exactly one object, this key, this content type, this many bytes, until it expires. */
export interface UploadGrant {
  key: string;
  contentType: string;
  size: number;
  expiresIn: number;
}

/** What a download URL lets its holder do: GET one object, with the headers it will be served with, until it expires. */
export interface DownloadGrant {
  key: string;
  contentType: string;
  /** The full Content-Disposition value, e.g. `attachment; filename="a.svg"`. */
  disposition: string;
  expiresIn: number;
}

export interface ObjectInfo {
  size: number;
  contentType: string;
}

export interface FileStore {
  readonly kind: 'disk' | 's3';
  /** Resolves at once while the store is up; during an outage, asks it (503 until it is back) before a link is signed. */
  reachable(): Promise<void>;
  /** Size and stored content type, or undefined when there is no such object. */
  head(key: string): Promise<ObjectInfo | undefined>;
  /** Copies an object inside the store (metadata included); false when the source does not exist. */
  copy(from: string, to: string): Promise<boolean>;
  /** Up to `maxBytes` bytes from the start of the object. */
  read(key: string, maxBytes: number): Promise<Buffer>;
  write(key: string, body: Buffer, contentType: string): Promise<void>;
  /** Deletes the object; a missing object is not an error. */
  delete(key: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Every key Parley generates: the upload (`dialogs/{dialog}/{id}.{ext}`), its checked copy
 * (`dialogs/{dialog}/files/{id}.{ext}`) and its thumbnail (`dialogs/{dialog}/thumbs/{id}.webp`). Nothing in a
 * key comes from the client except the extension, and that only after it passed `safeExtension`. A ChatKit
 * attachment is uploaded before its thread exists: its keys live under `uploads/` instead (`stagedUploadKeys`).
 */
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
export const KEY_PATTERN = new RegExp(`^(?:dialogs/${UUID}|uploads)/(?:files/|thumbs/)?${UUID}\\.[a-z0-9]{1,10}$`);

export function isValidKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}

export function uploadKeys(dialogId: string, id: string, ext: string): { key: string; sealedKey: string; thumbKey: string } {
  return {
    key: `dialogs/${dialogId}/${id}.${ext}`,
    sealedKey: `dialogs/${dialogId}/files/${id}.${ext}`,
    thumbKey: `dialogs/${dialogId}/thumbs/${id}.webp`,
  };
}

/** The keys of an upload that belongs to no dialog yet (a ChatKit attachment): the same three, under `uploads/`. */
export function stagedUploadKeys(id: string, ext: string): { key: string; sealedKey: string; thumbKey: string } {
  return { key: `uploads/${id}.${ext}`, sealedKey: `uploads/files/${id}.${ext}`, thumbKey: `uploads/thumbs/${id}.webp` };
}
