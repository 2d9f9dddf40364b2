/**
 * @module files/s3: the S3 file store (path-style, any S3-compatible service); its calls go to S3_ENDPOINT. The
 * URLs handed to browsers are presigned at the HTTP edge (http/s3-links.ts) with a client made here.
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
import type { FilesConfig } from '../../config.js';
import type { FileStore, ObjectInfo } from './port.js';

type S3Settings = NonNullable<FilesConfig['s3']>;

/** A client of the bucket at `endpoint` (the internal one for calls, the public one for presigning). */
export function s3Client(s: S3Settings, endpoint: string): S3Client {
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
  private readonly bucket: string;

  constructor(settings: S3Settings) {
    this.api = s3Client(settings, settings.endpoint);
    this.bucket = settings.bucket;
  }

  /** Presigning needs no round trip; availability.ts probes the store during an outage. */
  async reachable(): Promise<void> {}

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
  }
}
