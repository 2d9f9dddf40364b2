/**
 * @module agents/registry: the agent registry (Management API): create, list, read, change, delete. Secrets
 * (`secret`, `api_key`) are stored apart from the options and never leave this module except to the runner.
 */
import type { Kysely, Transaction } from 'kysely';
import { agentUserId, isAgentUserId, type Agent, type CreateAgentBody, type ParticipantInput, type PatchAgentBody } from '@parley/protocol';
import type { Database } from '../adapters/db/index.js';
import type { Services } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { timestamp } from '../wire.js';

export interface AgentRecord {
  id: string;
  display_name: string;
  kind: 'http' | 'openai' | 'demo';
  trigger: 'every_message' | 'mention';
  options: { url?: string; base_url?: string; model?: string; instructions?: string };
  secret: string | null;
}

type Row = Database['agents'] extends infer T ? { [K in keyof T]: unknown } : never;

function record(r: Record<string, unknown>): AgentRecord {
  const options = typeof r.options === 'string' ? JSON.parse(r.options) : r.options;
  return {
    id: r.id as string,
    display_name: r.display_name as string,
    kind: r.kind as AgentRecord['kind'],
    trigger: r.trigger as AgentRecord['trigger'],
    options: (options ?? {}) as AgentRecord['options'],
    secret: (r.secret as string | null) ?? null,
  };
}

/** The agent as the API shows it: no secret, only `has_secret`. */
function agentWire(r: Row): Agent {
  const a = record(r as Record<string, unknown>);
  return {
    id: a.id,
    user_id: agentUserId(a.id),
    display_name: a.display_name,
    kind: a.kind,
    trigger: a.trigger,
    ...(a.options.url ? { url: a.options.url } : {}),
    ...(a.options.base_url ? { base_url: a.options.base_url } : {}),
    ...(a.options.model ? { model: a.options.model } : {}),
    ...(a.options.instructions ? { instructions: a.options.instructions } : {}),
    has_secret: a.secret !== null,
    created_at: timestamp(r.created_at as Date),
    updated_at: timestamp(r.updated_at as Date),
  };
}

function split(body: CreateAgentBody): { options: AgentRecord['options']; secret: string | null } {
  switch (body.kind) {
    case 'http':
      return { options: { url: body.url }, secret: body.secret };
    case 'openai':
      return {
        options: { base_url: body.base_url, model: body.model, ...(body.instructions ? { instructions: body.instructions } : {}) },
        secret: body.api_key ?? null,
      };
    case 'demo':
      return { options: {}, secret: null };
  }
}

const agentNotFound = () => notFound('Agent');

export async function createAgent(svc: Services, body: CreateAgentBody): Promise<Agent> {
  const now = svc.now();
  const { options, secret } = split(body);
  const row = await svc.db.kysely
    .insertInto('agents')
    .values({
      id: body.id,
      display_name: body.display_name,
      kind: body.kind,
      trigger: body.trigger,
      options: JSON.stringify(options),
      secret,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new AppError('CONFLICT', `An agent with id '${body.id}' already exists`);
  return agentWire(row);
}

export async function listAgents(svc: Services): Promise<Agent[]> {
  const rows = await svc.db.kysely.selectFrom('agents').selectAll().orderBy('id').execute();
  return rows.map(agentWire);
}

export async function getAgent(svc: Services, id: string): Promise<Agent> {
  const row = await svc.db.kysely.selectFrom('agents').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw agentNotFound();
  return agentWire(row);
}

const FIELDS_BY_KIND: Record<AgentRecord['kind'], readonly string[]> = {
  http: ['url', 'secret'],
  openai: ['base_url', 'api_key', 'model', 'instructions'],
  demo: [],
};

export async function patchAgent(svc: Services, id: string, patch: PatchAgentBody): Promise<Agent> {
  return svc.db.kysely.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('agents').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!row) throw agentNotFound();
    const a = record(row);
    const { display_name, trigger, ...kindFields } = patch;
    for (const k of Object.keys(kindFields)) {
      if (!FIELDS_BY_KIND[a.kind].includes(k)) throw new AppError('INVALID_INPUT', `${k} does not apply to a ${a.kind} agent`);
    }
    const options = { ...a.options };
    let secret = a.secret;
    if (patch.url !== undefined) options.url = patch.url;
    if (patch.base_url !== undefined) options.base_url = patch.base_url;
    if (patch.model !== undefined) options.model = patch.model;
    if (patch.instructions !== undefined) {
      if (patch.instructions === null) delete options.instructions;
      else options.instructions = patch.instructions;
    }
    if (patch.secret !== undefined) secret = patch.secret;
    if (patch.api_key !== undefined) secret = patch.api_key;
    const updated = await trx
      .updateTable('agents')
      .set({
        display_name: display_name ?? a.display_name,
        trigger: trigger ?? a.trigger,
        options: JSON.stringify(options),
        secret,
        updated_at: svc.now(),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return agentWire(updated);
  });
}

/** Deletes the agent; its past messages stay (sent by `agent:<id>`), its queued runs end when they find it gone. */
export async function deleteAgent(svc: Services, id: string): Promise<void> {
  const res = await svc.db.kysely.deleteFrom('agents').where('id', '=', id).executeTakeFirst();
  if (Number(res.numDeletedRows) === 0) throw agentNotFound();
}

/** The agent with its secret, for the runner. */
export async function loadAgent(db: Kysely<Database> | Transaction<Database>, id: string): Promise<AgentRecord | undefined> {
  const row = await db.selectFrom('agents').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? record(row) : undefined;
}

/**
 * Participants the host adds: an `agent:<id>` must name a registered agent (else 400), and takes the agent's
 * display name when none is given. People are returned unchanged.
 */
export async function resolveParticipants(
  db: Kysely<Database> | Transaction<Database>,
  participants: readonly ParticipantInput[],
): Promise<(ParticipantInput & { display_name: string })[]> {
  const agentIds = participants.filter((p) => isAgentUserId(p.user_id)).map((p) => p.user_id.slice('agent:'.length));
  const names = new Map<string, string>();
  if (agentIds.length > 0) {
    const rows = await db.selectFrom('agents').select(['id', 'display_name']).where('id', 'in', agentIds).execute();
    for (const r of rows) names.set(r.id, r.display_name);
  }
  return participants.map((p) => {
    if (!isAgentUserId(p.user_id)) return { ...p, display_name: p.display_name! };
    const name = names.get(p.user_id.slice('agent:'.length));
    if (name === undefined) throw new AppError('INVALID_INPUT', `Unknown agent: ${p.user_id}`);
    return { ...p, display_name: p.display_name ?? name };
  });
}

/** No token, minted or host-signed, may act as an agent. */
export function refuseAgentIdentity(userId: string): void {
  if (isAgentUserId(userId)) throw new AppError('BAD_REQUEST', 'A token may not name an agent user (agent:*)');
}
