/**
 * @module http/disk-links: the links of the embedded disk store: Parley's own /api/v1/files/<key> routes
 * (http/disk-files.ts), signed with HMAC-SHA256 over the method, key, expiry and the exact headers they allow,
 * like S3's presigned URLs. The signed URL is the only credential, so the routes sit outside the token guard.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { isValidKey, type DownloadGrant, type UploadGrant } from '../adapters/files/port.js';

export const FILES_ROUTE = '/api/v1/files/';

/** What a verified URL allows. */
export interface VerifiedGrant {
  key: string;
  contentType: string;
  /** PUT only: the exact number of bytes. */
  size?: number;
  /** GET only. */
  disposition?: string;
  expiresAt: number;
}

export class DiskLinks {
  constructor(
    private readonly secret: string,
    private readonly now: () => Date,
  ) {}

  private sign(parts: readonly (string | number)[]): string {
    return createHmac('sha256', this.secret).update(parts.join('\n')).digest('base64url');
  }

  private url(base: string, key: string, params: Record<string, string>): string {
    return `${base}${FILES_ROUTE}${key}?${new URLSearchParams(params).toString()}`;
  }

  private expiry(expiresIn: number): number {
    return Math.floor(this.now().getTime() / 1000) + expiresIn;
  }

  upload(base: string, g: UploadGrant): string {
    const expires = this.expiry(g.expiresIn);
    const signature = this.sign(['PUT', g.key, expires, g.contentType, g.size]);
    return this.url(base, g.key, { expires: String(expires), type: g.contentType, size: String(g.size), signature });
  }

  download(base: string, g: DownloadGrant): string {
    const expires = this.expiry(g.expiresIn);
    const signature = this.sign(['GET', g.key, expires, g.contentType, g.disposition]);
    return this.url(base, g.key, { expires: String(expires), type: g.contentType, disposition: g.disposition, signature });
  }

  /** Checks a request's URL against its signature and expiry; undefined when it does not hold. */
  verify(method: 'PUT' | 'GET', key: string, query: Record<string, unknown>): VerifiedGrant | undefined {
    const str = (name: string) => (typeof query[name] === 'string' ? (query[name] as string) : undefined);
    const expires = str('expires');
    const type = str('type');
    const signature = str('signature');
    if (!isValidKey(key) || expires === undefined || !/^\d{1,12}$/.test(expires) || type === undefined || signature === undefined)
      return undefined;
    let parts: (string | number)[];
    let grant: VerifiedGrant;
    if (method === 'PUT') {
      const size = str('size');
      if (size === undefined || !/^\d{1,12}$/.test(size)) return undefined;
      parts = ['PUT', key, expires, type, size];
      grant = { key, contentType: type, size: Number(size), expiresAt: Number(expires) };
    } else {
      const disposition = str('disposition');
      if (disposition === undefined) return undefined;
      parts = ['GET', key, expires, type, disposition];
      grant = { key, contentType: type, disposition, expiresAt: Number(expires) };
    }
    const expected = Buffer.from(this.sign(parts));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    if (grant.expiresAt * 1000 < this.now().getTime()) return undefined;
    return grant;
  }
}
