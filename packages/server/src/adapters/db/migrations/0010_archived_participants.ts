/** @module migrations/0010_archived_participants: a partial index of archived memberships, so a send's auto-unarchive reads only those rows. */
export const up = `
CREATE INDEX dialog_participants_archived_idx ON dialog_participants (dialog_id) WHERE is_archived = true;
`;
