/**
 * @module db/pglite-statements: runs SQL on PGlite's one session the cheap way. PGlite's own `query()` makes six
 * calls into the WASM engine per statement (parse, describe, bind, describe, execute, sync) and parses and plans
 * the text every time; here a statement with parameters is parsed once under a name and then costs one call
 * (bind, describe, execute, sync in one message). Parameters are sent as text, serialized exactly as node-postgres
 * does for a PostgreSQL server, so both backends see the same values. Statements without parameters (migrations,
 * several statements in one string) use the simple protocol.
 */
import { parse, protocol, type PGlite } from '@electric-sql/pglite';
import { createRequire } from 'node:module';
import { commandOf, isSchemaChange, StatementNames } from './statement-names.js';

/** node-postgres' own parameter serializer (text, a Buffer sent as binary, or null); the package declares no type for it. */
const { prepareValue } = createRequire(import.meta.url)('pg/lib/utils.js') as { prepareValue(value: unknown): string | Buffer | null };

export interface QueryResult {
  command: string;
  rowCount: number;
  rows: unknown[];
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export class PreparedStatements {
  private readonly names = new StatementNames();
  /** The texts parsed on the session under their name. */
  private readonly parsed = new Set<string>();

  constructor(private readonly pg: PGlite) {}

  /** Runs one statement (or, without parameters, a script); the caller holds the session. */
  async run(sql: string, params: readonly unknown[]): Promise<QueryResult> {
    const command = commandOf(sql);
    if (params.length === 0) return this.script(sql, command);
    const name = await this.prepared(sql, params.length);
    const values = params.map((v) => prepareValue(v));
    const s = protocol.serialize;
    const message = concat([
      ...(name === '' ? [s.parse({ text: sql })] : []),
      s.bind({ statement: name, values }),
      s.describe({ type: 'P' }),
      s.execute({}),
      s.sync(),
    ]);
    const { messages } = await this.pg.execProtocol(message, { syncToFs: false });
    await this.syncWhenIdle(messages);
    const r = parse.parseResults(messages, this.pg.parsers)[0];
    return { command, rowCount: r?.affectedRows ?? r?.rows.length ?? 0, rows: r?.rows ?? [] };
  }

  private async script(sql: string, command: string): Promise<QueryResult> {
    if (isSchemaChange(sql)) await this.forgetAll();
    const results = await this.pg.exec(sql);
    const last = results.at(-1);
    return { command, rowCount: last?.affectedRows ?? last?.rows.length ?? 0, rows: last?.rows ?? [] };
  }

  /** The statement's name, parsing it first if new ('' when too many are kept: parsed unnamed with the call). */
  private async prepared(sql: string, paramCount: number): Promise<string> {
    const known = this.parsed.has(sql);
    const name = this.names.nameFor(sql, paramCount);
    if (name === undefined) return '';
    if (known) return name;
    // Its own call, so a statement that fails to parse is never remembered as prepared.
    try {
      await this.pg.execProtocol(concat([protocol.serialize.parse({ name, text: sql }), protocol.serialize.sync()]), { syncToFs: false });
    } catch (err) {
      this.names.drop(sql);
      throw err;
    }
    this.parsed.add(sql);
    return name;
  }

  private async forgetAll(): Promise<void> {
    if (this.parsed.size === 0) return;
    this.names.newGeneration();
    this.parsed.clear();
    await this.pg.exec('DEALLOCATE ALL');
  }

  /** Outside a transaction PGlite's own query() flushes the file system after a statement; so does this. */
  private async syncWhenIdle(messages: readonly { name: string }[]): Promise<void> {
    const ready = messages.findLast((m) => m.name === 'readyForQuery') as { status?: string } | undefined;
    if (ready?.status === 'I') await this.pg.syncToFs();
  }
}
