/**
 * @module http/links: the one link signer, made at start-up. Every upload and download URL a client sees is
 * signed here, at the HTTP edge, for where the reader reached Parley (FILES_PUBLIC_URL wins): presigned for the
 * bucket's public endpoint on S3 (http/s3-links.ts), Parley's own signed routes on disk (http/disk-links.ts).
 * The stores know no HTTP and the actions no URLs: they hand over grants, which are signed here.
 */
import type { FastifyRequest } from 'fastify';
import type { FileService } from '../adapters/files/index.js';
import type { DownloadGrant, UploadGrant } from '../adapters/files/port.js';
import type { Config } from '../config.js';
import type { FileLinks } from '../queries/attachments.js';
import { loadOrCreate, randomSecret } from '../security/secrets.js';
import { DiskLinks } from './disk-links.js';
import { S3Links } from './s3-links.js';

/** The links of one reader: downloads (what queries sign) and uploads (what a presign answers). */
export interface Links extends FileLinks {
  upload(grant: UploadGrant): Promise<string>;
  /** What the links start with (empty on S3, whose links do not depend on the reader): readers with one base share them. */
  readonly base: string;
}

export interface LinkSigner {
  /** Links for a reader who reached Parley at `base` (scheme and host). */
  at(base: string): Links;
  forRequest(req: FastifyRequest): Links;
  /** Set for the disk store: checks the signed URLs its routes receive. */
  readonly disk?: DiskLinks;
  close(): void;
}

/** The scheme and host a request came in on. */
export function requestBase(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`;
}

export function createLinkSigner(config: Config, files: FileService, now: () => Date): LinkSigner {
  const settings = config.files;
  const s3 = settings.s3 ? new S3Links(settings.s3) : undefined;
  const disk = s3
    ? undefined
    : new DiskLinks(settings.signingKey ?? loadOrCreate(config.dataDir, 'files-signing-key', () => randomSecret(32)).value, now);
  const at = (requested: string): Links => {
    const base = s3 ? '' : (settings.publicUrl ?? requested);
    return {
      base,
      downloadExpirySecs: settings.downloadExpirySecs,
      async upload(grant) {
        await files.store.reachable();
        return s3 ? s3.upload(grant) : disk!.upload(base, grant);
      },
      async download(grant: DownloadGrant) {
        await files.store.reachable();
        return s3 ? s3.download(grant) : disk!.download(base, grant);
      },
    };
  };
  return { at, forRequest: (req) => at(requestBase(req)), disk, close: () => s3?.close() };
}
