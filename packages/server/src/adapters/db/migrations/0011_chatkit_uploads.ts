/** @module migrations/0011_chatkit_uploads: a ChatKit attachment is uploaded before its thread exists, so an upload's dialog is set on first use. */
export const up = `
ALTER TABLE uploads ALTER COLUMN dialog_id DROP NOT NULL;
`;
