/**
 * @module db/statement-names: which statements run prepared, under what name, on both databases. A statement with
 * parameters gets a name the first time its text is seen and keeps it, so the database parses and plans it once
 * per session instead of on every call. Bounded (a runaway of dynamic SQL runs unnamed past the bound), and a
 * schema change starts a new generation of names, since a plan made before it may no longer fit.
 */

/** Distinct statement texts kept prepared; past this, statements run unnamed. */
const MAX_PREPARED = 1000;

/** Statements after which every prepared plan is dropped: they may change what a cached plan returns. */
const SCHEMA_CHANGE = new Set(['CREATE', 'ALTER', 'DROP', 'TRUNCATE', 'COMMENT', 'GRANT', 'REVOKE']);

/** The statement's command word (`SELECT`, `INSERT`, ...; the main one after a WITH). */
export function commandOf(sql: string): string {
  const m = /^\s*(?:with\b[\s\S]*?\)\s*)?(\w+)/i.exec(sql);
  return (m?.[1] ?? '').toUpperCase();
}

export function isSchemaChange(sql: string): boolean {
  return SCHEMA_CHANGE.has(commandOf(sql));
}

export class StatementNames {
  private readonly names = new Map<string, string>();
  private serial = 0;
  private generation = 0;

  /** The name `sql` runs under, or undefined to run it unnamed (no parameters, or too many kept). */
  nameFor(sql: string, paramCount: number): string | undefined {
    if (paramCount === 0) return undefined;
    const known = this.names.get(sql);
    if (known !== undefined) return known;
    if (this.names.size >= MAX_PREPARED) return undefined;
    const name = `parley_${this.generation}_${++this.serial}`;
    this.names.set(sql, name);
    return name;
  }

  /** Forgets `sql`'s name (it failed to prepare, so it was never parsed under it). */
  drop(sql: string): void {
    this.names.delete(sql);
  }

  /** After a schema change: every statement gets a new name (the old plans are not used again). */
  newGeneration(): void {
    this.names.clear();
    this.generation += 1;
  }

  get size(): number {
    return this.names.size;
  }
}
