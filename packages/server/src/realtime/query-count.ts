/**
 * @module realtime/query-count: counts the database queries made for realtime connections (connects, resumes,
 * presence), as a Kysely plugin on the handle they use; `parley_realtime_db_queries_total` shows whether the
 * cost of a connection stays flat as a user's dialogs grow (docs/events.md, "Presence").
 */
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';

export class QueryCount implements KyselyPlugin {
  constructor(private readonly counted: () => void) {}

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }

  /** Called once per query executed (a compiled query may hold subqueries; they are one query). */
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    this.counted();
    return args.result;
  }
}
