/**
 * @module files/s3: the S3 file store (path-style, any S3-compatible service). Server-side calls go to
 * S3_ENDPOINT; URLs handed to browsers are signed for S3_PUBLIC_ENDPOINT (signing covers the host, so the
 * public URL is signed as such rather than rewritten afterwards). An upload URL signs the content type and
 * length, so the store itself refuses any other body; a download URL carries its response headers.
 */
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { FilesConfig } from '../../config.js';
import type { DownloadGrant, FileStore, ObjectInfo, UploadGrant } from './port.js';

type S3Settings = NonNullable<FilesConfig['s3']>;

function client(s: S3Settings, endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: s.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey },
    // Checksums only where S3 requires them: a presigned PUT must not carry a checksum of an empty body.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // A store that stops answering fails the call (503) instead of holding the request forever.
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000 },
  });
}

function isMissing(err: unknown): boolean {
  if (!(err instanceof S3ServiceException)) return false;
  return err.$metadata.httpStatusCode === 404 || err.name === 'NoSuchKey' || err.name === 'NotFound';
}

export class S3Store implements FileStore {
  readonly kind = 's3' as const;
  private readonly api: S3Client;
  private readonly signer: S3Client;
  private readonly bucket: string;

  constructor(settings: S3Settings) {
    this.api = client(settings, settings.endpoint);
    this.signer = settings.publicEndpoint === settings.endpoint ? this.api : client(settings, settings.publicEndpoint);
    this.bucket = settings.bucket;
  }

  async uploadUrl(g: UploadGrant): Promise<string> {
    // An untyped file ("") is sent without a Content-Type: only its length is signed then.
    const typed = g.contentType !== '';
    const command = new PutObjectCommand({
      Bucket: this.bucket,
      Key: g.key,
      ContentType: typed ? g.contentType : undefined,
      ContentLength: g.size,
    });
    const signableHeaders = new Set(typed ? ['content-type', 'content-length'] : ['content-length']);
    return getSignedUrl(this.signer, command, { expiresIn: g.expiresIn, signableHeaders });
  }

  async downloadUrl(g: DownloadGrant): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: g.key,
      ResponseContentType: g.contentType,
      ResponseContentDisposition: g.disposition,
    });
    return getSignedUrl(this.signer, command, { expiresIn: g.expiresIn });
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const r = await this.api.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: r.ContentLength ?? 0, contentType: r.ContentType ?? '' };
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  async copy(from: string, to: string): Promise<boolean> {
    try {
      await this.api.send(new CopyObjectCommand({ Bucket: this.bucket, Key: to, CopySource: `${this.bucket}/${from}` }));
      return true;
    } catch (err) {
      if (isMissing(err)) return false;
      throw err;
    }
  }

  async read(key: string, maxBytes: number): Promise<Buffer> {
    const r = await this.api.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: `bytes=0-${maxBytes - 1}` }));
    const bytes = r.Body ? await r.Body.transformToByteArray() : new Uint8Array();
    // A server that ignores Range sends everything; keep only what was asked for.
    return Buffer.from(bytes.subarray(0, maxBytes));
  }

  async write(key: string, body: Buffer, contentType: string): Promise<void> {
    await this.api.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType, ContentLength: body.length }),
    );
  }

  async delete(key: string): Promise<void> {
    try {
      await this.api.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (err) {
      if (!isMissing(err)) throw err;
    }
  }

  async close(): Promise<void> {
    this.api.destroy();
    if (this.signer !== this.api) this.signer.destroy();
  }
}
