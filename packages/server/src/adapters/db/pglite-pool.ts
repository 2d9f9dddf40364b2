/**
 * @module db/pglite-pool: PGlite (PostgreSQL in WASM) behind the small slice of pg's Pool interface Kysely uses,
 * so the embedded default runs the same SQL and migrations as PostgreSQL. PGlite has one session, so a
 * checkout is exclusive: callers queue until the holder releases it (a transaction owns the session).
 *
 * Group commit: transactions that queue for the session run one after another inside ONE database transaction,
 * each in a savepoint of its own (its ROLLBACK rolls back only its savepoint). A transaction's COMMIT hands the
 * session to the next one in the queue and resolves when the group commits: when nobody is left waiting, or the
 * group is full. So a burst of sends pays one commit (one WAL flush) instead of one each, and nothing is
 * acknowledged before it is durable. A statement outside a transaction first commits the open group, so readers
 * (the realtime hub) never see a member's writes before they are committed.
 * Queries with parameters run as prepared statements (db/pglite-statements.ts), one call into PGlite each.
 */
import { PGlite } from '@electric-sql/pglite';
import { PreparedStatements, type QueryResult } from './pglite-statements.js';

export interface PgliteClient {
  query(sql: string, params?: readonly unknown[]): Promise<QueryResult>;
  release(): void;
}

/** Transactions committed together at most (bounds how long the first of them waits). */
const MAX_GROUP = 64;

type TxVerb = 'BEGIN' | 'COMMIT' | 'ROLLBACK';

/** Kysely's transaction statements (`begin`/`start transaction ...`, `commit`, `rollback`); savepoints are not. */
function txVerb(sql: string): TxVerb | undefined {
  const s = sql.trim().toLowerCase();
  if (s === 'begin' || s.startsWith('start transaction')) return 'BEGIN';
  if (s === 'commit') return 'COMMIT';
  if (s === 'rollback') return 'ROLLBACK';
  return undefined;
}

const ROLLBACK_MEMBER = 'ROLLBACK TO SAVEPOINT parley_member; RELEASE SAVEPOINT parley_member';

const done = (command: string): QueryResult => ({ command, rowCount: 0, rows: [] });

interface Member {
  resolve(): void;
  reject(err: unknown): void;
}

export class PglitePool {
  private queue: Promise<void> = Promise.resolve();
  /** connect() calls waiting for the session. */
  private waiting = 0;
  /** The open group transaction: the members that committed into it and wait for its COMMIT. */
  private group: Member[] | undefined;
  private readonly statements: PreparedStatements;

  private constructor(readonly pg: PGlite) {
    this.statements = new PreparedStatements(pg);
  }

  static async open(dataDir: string | undefined): Promise<PglitePool> {
    const pg = dataDir ? new PGlite(dataDir) : new PGlite();
    await pg.waitReady;
    return new PglitePool(pg);
  }

  /** Waits for the single session; the returned function gives it up. */
  private async acquire(): Promise<() => void> {
    let free!: () => void;
    const held = new Promise<void>((resolve) => (free = resolve));
    const previous = this.queue;
    this.queue = previous.then(() => held);
    this.waiting += 1;
    await previous;
    this.waiting -= 1;
    return free;
  }

  /** Waits for the single session, then hands it out until release() (or, in a transaction, its COMMIT). */
  async connect(): Promise<PgliteClient> {
    let free: (() => void) | undefined = await this.acquire();
    let inTransaction = false;
    const handOver = () => {
      free?.();
      free = undefined;
    };
    return {
      query: async (sql, params = []) => {
        // A client that committed gave the session to the next in line; it queues again for more.
        if (!free) free = await this.acquire();
        const verb = txVerb(sql);
        if (verb === 'BEGIN' && !inTransaction) {
          if (!this.group) {
            await this.pg.exec('BEGIN');
            this.group = [];
          }
          await this.pg.exec('SAVEPOINT parley_member');
          inTransaction = true;
          return done('BEGIN');
        }
        if (verb === 'ROLLBACK' && inTransaction) {
          inTransaction = false;
          await this.pg.exec(ROLLBACK_MEMBER);
          return done('ROLLBACK');
        }
        if (verb === 'COMMIT' && inTransaction) {
          inTransaction = false;
          try {
            await this.pg.exec('RELEASE SAVEPOINT parley_member');
          } catch (err) {
            // Its savepoint is aborted (a failed statement it went on from): it alone rolls back, the group stays sound.
            await this.pg.exec(ROLLBACK_MEMBER);
            throw err;
          }
          const committed = new Promise<void>((resolve, reject) => this.group?.push({ resolve, reject }));
          if (this.waiting === 0 || (this.group?.length ?? 0) >= MAX_GROUP) await this.commitGroup();
          else handOver();
          await committed;
          return done('COMMIT');
        }
        // Outside a transaction a statement must see only committed data and commit on its own.
        if (!inTransaction && this.group) await this.commitGroup();
        return this.statements.run(sql, params);
      },
      release: () => {
        if (!free) return;
        // A transaction left open (its client failed) is rolled back; the last holder commits the open group.
        const abandoned = inTransaction ? this.pg.exec(ROLLBACK_MEMBER).catch(() => undefined) : Promise.resolve();
        inTransaction = false;
        void abandoned.then(() => (this.group && this.waiting === 0 ? this.commitGroup() : undefined)).finally(handOver);
      },
    };
  }

  /** Commits the open group and answers every member's COMMIT. */
  private async commitGroup(): Promise<void> {
    const members = this.group;
    if (!members) return;
    this.group = undefined;
    try {
      await this.pg.exec('COMMIT');
      for (const m of members) m.resolve();
    } catch (err) {
      await this.pg.exec('ROLLBACK').catch(() => undefined);
      for (const m of members) m.reject(err);
    }
  }

  async end(): Promise<void> {
    await this.queue;
    await this.commitGroup();
    await this.pg.close();
  }
}
