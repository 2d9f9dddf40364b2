/**
 * @module http/s3-links: presigned S3 URLs for browsers, signed for S3_PUBLIC_ENDPOINT (signing covers the host,
 * so the public URL is signed as such rather than rewritten afterwards). An upload URL signs the content type and
 * length, so the store itself refuses any other body; a download URL carries its response headers.
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { FilesConfig } from '../config.js';
import type { DownloadGrant, UploadGrant } from '../adapters/files/port.js';
import { s3Client } from '../adapters/files/s3.js';

export class S3Links {
  private readonly signer: S3Client;
  private readonly bucket: string;

  constructor(settings: NonNullable<FilesConfig['s3']>) {
    this.signer = s3Client(settings, settings.publicEndpoint);
    this.bucket = settings.bucket;
  }

  upload(g: UploadGrant): Promise<string> {
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

  download(g: DownloadGrant): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: g.key,
      ResponseContentType: g.contentType,
      ResponseContentDisposition: g.disposition,
    });
    return getSignedUrl(this.signer, command, { expiresIn: g.expiresIn });
  }

  close(): void {
    this.signer.destroy();
  }
}
