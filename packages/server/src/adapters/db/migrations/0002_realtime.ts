/** @module migrations/0002_realtime: the event log's retention horizon (cursors at or below it must resync). */
export const up = `
CREATE TABLE event_log_state (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  pruned_through bigint NOT NULL DEFAULT 0
);
INSERT INTO event_log_state (singleton, pruned_through) VALUES (true, 0);
`;
