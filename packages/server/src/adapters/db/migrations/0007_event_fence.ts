/**
 * @module migrations/0007_event_fence: `parley_event_fence()`, the one read that tells a log reader how far the
 * event log is final now that writers commit in parallel (events/horizon.ts, docs/adr/0002-event-ordering.md).
 * It reads, in this order, the last event id handed out and the transactions that hold the events table's
 * write lock: any writer that drew an id at or below `issued` took that lock first and keeps it to its end.
 * Also `log_consumers`: the durable cursor of each consumer of the log that is not a connection (webhooks).
 */
export const up = `
CREATE FUNCTION parley_event_fence(OUT issued bigint, OUT writers text[]) LANGUAGE plpgsql VOLATILE AS $fence$
BEGIN
  issued := coalesce(pg_sequence_last_value('events_id_seq'::regclass), 0);
  writers := ARRAY(
    SELECT l.virtualtransaction FROM pg_locks l
    WHERE l.locktype = 'relation' AND l.relation = 'events'::regclass AND l.mode = 'RowExclusiveLock' AND l.granted
      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()));
END
$fence$;

CREATE TABLE log_consumers (
  name text PRIMARY KEY,
  through bigint NOT NULL
);
-- Webhooks consume from here on (before this release they were made in the sender's transaction).
INSERT INTO log_consumers (name, through) SELECT 'webhooks', coalesce(max(id), 0) FROM events;
`;
