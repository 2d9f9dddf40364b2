/**
 * @module http/files: the Chat API's attachment routes, POST /upload/presign and GET /attachments/{id}/url; their
 * URLs are signed by the link signer (http/links.ts). The disk store's own routes are in http/disk-files.ts.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AttachmentParams, AttachmentUrl, PresignBody, PresignedUpload } from '@parley/protocol';
import { presignUpload } from '../actions/uploads.js';
import type { Services } from '../context.js';
import { getAttachmentUrl } from '../queries/attachments.js';
import { actorOf } from './auth.js';
import type { LinkSigner } from './links.js';

const tags = ['files'];
const security = [{ bearer: [] }];
const data = <T extends z.ZodType>(schema: T) => z.object({ data: schema });

/** Chat API routes (registered inside the token guard). */
export const fileRoutes =
  (svc: Services, signer: LinkSigner): FastifyPluginAsync =>
  async (base) => {
    const app = base.withTypeProvider<ZodTypeProvider>();

    app.post(
      '/upload/presign',
      { schema: { tags, security, body: PresignBody, response: { 200: data(PresignedUpload) } } },
      async (req) => {
        const grant = await presignUpload(svc, actorOf(req), req.body);
        const uploadUrl = await signer.forRequest(req).upload(grant);
        return { data: { upload_url: uploadUrl, s3_key: grant.key, expires_in: grant.expiresIn } };
      },
    );

    app.get(
      '/attachments/:id/url',
      { schema: { tags, security, params: AttachmentParams, response: { 200: data(AttachmentUrl) } } },
      async (req) => ({ data: await getAttachmentUrl(svc.db.kysely, signer.forRequest(req), actorOf(req), req.params.id) }),
    );
  };
