/**
 * @module db/search-language: makes the message search index use SEARCH_LANGUAGE. The generated tsvector column
 * bakes its text search configuration in, so when the setting differs from the one the column was built with,
 * the column and its GIN index are rebuilt (every message is re-read: slow on a large database; see docs/search.md).
 */
import { sql, type Kysely } from 'kysely';
import { searchVectorDdl } from './migrations/0005_search.js';
import { SEARCH_INDEX_OPTIONS } from './migrations/0012_search_pending_list.js';

const LOCK = 727275;

export class SearchLanguageError extends Error {
  override name = 'SearchLanguageError';
}

/** Returns true when the index was rebuilt; throws SearchLanguageError when no such configuration exists. */
// biome-ignore lint/suspicious/noExplicitAny: called on the migration connection, before the typed schema applies
export async function applySearchLanguage(db: Kysely<any>, language: string): Promise<boolean> {
  const known = await sql<{ cfgname: string }>`SELECT cfgname FROM pg_ts_config ORDER BY cfgname`.execute(db);
  const names = known.rows.map((r) => r.cfgname);
  if (!names.includes(language)) {
    throw new SearchLanguageError(
      `Invalid configuration:\n  SEARCH_LANGUAGE: '${language}' is not a text search configuration of this database (one of: ${names.join(', ')})`,
    );
  }
  return db.connection().execute(async (conn) => {
    await sql`SELECT pg_advisory_lock(${LOCK})`.execute(conn);
    try {
      const current = await sql<{ language: string }>`SELECT language FROM search_settings`.execute(conn);
      if (current.rows[0]?.language === language) return false;
      await conn.transaction().execute(async (tx) => {
        await sql`ALTER TABLE messages DROP COLUMN search_tsv`.execute(tx);
        await sql.raw(searchVectorDdl(language)).execute(tx);
        await sql.raw(SEARCH_INDEX_OPTIONS).execute(tx);
        await sql`UPDATE search_settings SET language = ${language}`.execute(tx);
      });
      return true;
    } finally {
      await sql`SELECT pg_advisory_unlock(${LOCK})`.execute(conn);
    }
  });
}
