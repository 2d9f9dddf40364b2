/**
 * @module http/search: message search routes (docs/search.md): GET /api/v1/messages/search on the Chat API (the
 * user's own dialogs) and GET /api/v1/management/messages/search on the Management API (every dialog).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SearchMessagesQuery, SearchPage } from '@parley/protocol';
import type { Services } from '../context.js';
import { searchMessages } from '../queries/search.js';
import { actorOf, adminGuard } from './auth.js';
import type { LinkSigner } from './links.js';

const data = <T extends z.ZodType>(schema: T) => z.object({ data: schema });
const description =
  'Full-text search of messages: web-search syntax ("a phrase", -exclude, OR), the last word also as a prefix; newest first or by relevance; keyset paging with next_cursor.';

/** The Chat API route (registered under the Chat API's actor guard). */
export const chatSearchRoutes =
  (svc: Services, signer: LinkSigner): FastifyPluginAsync =>
  async (base) => {
    const app = base.withTypeProvider<ZodTypeProvider>();
    app.get(
      '/messages/search',
      {
        schema: {
          tags: ['chat'],
          security: [{ bearer: [] }],
          description,
          querystring: SearchMessagesQuery,
          response: { 200: data(SearchPage) },
        },
      },
      async (req) => ({
        data: await searchMessages(svc.db.kysely, svc.config.search, signer.forRequest(req), { actor: actorOf(req) }, req.query),
      }),
    );
  };

/** The Management API route: the same search across all dialogs, for the host's back office. */
export const managementSearchRoutes =
  (svc: Services, signer: LinkSigner): FastifyPluginAsync =>
  async (base) => {
    const app = base.withTypeProvider<ZodTypeProvider>();
    app.addHook('onRequest', adminGuard(svc));
    app.get(
      '/messages/search',
      {
        schema: {
          tags: ['management'],
          security: [{ adminToken: [] }],
          description,
          querystring: SearchMessagesQuery,
          response: { 200: data(SearchPage) },
        },
      },
      async (req) => ({
        data: await searchMessages(svc.db.kysely, svc.config.search, signer.forRequest(req), { all: true }, req.query),
      }),
    );
  };
