/**
 * @module migrations/0005_search: full-text search over messages (docs/search.md). A message's searchable text is
 * its content with the HTML stripped plus its attachments' file names (kept on the message by a trigger); a
 * generated tsvector column holds it, under a GIN index. The text search configuration is SEARCH_LANGUAGE:
 * this migration builds the column with `simple`, and search-language.ts rebuilds it when the setting differs.
 */

/** The tsvector column and its index for one text search configuration (a name checked against pg_ts_config). */
export function searchVectorDdl(language: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(language)) throw new Error(`not a text search configuration name: ${language}`);
  return `
ALTER TABLE messages ADD COLUMN search_tsv tsvector
  GENERATED ALWAYS AS (to_tsvector('${language}'::regconfig, parley_search_document(content, attachment_names))) STORED;
CREATE INDEX messages_search_idx ON messages USING gin (search_tsv);
`;
}

export const up = `
-- Message HTML as words: block tags and line breaks become spaces, other tags vanish, entities are decoded.
CREATE FUNCTION parley_message_text(content text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT replace(replace(replace(replace(replace(replace(
    regexp_replace(regexp_replace(content, '<(br|/?(p|li|ul|ol|blockquote|pre))\\M[^>]*>', ' ', 'gi'), '<[^>]*>', '', 'g'),
    '&nbsp;', ' '), '&lt;', '<'), '&gt;', '>'), '&quot;', '"'), '&#39;', ''''), '&amp;', '&')
$$;

-- What is indexed: the text, the file names as written, and the file names split into words (report.pdf: report, pdf).
CREATE FUNCTION parley_search_document(content text, attachment_names text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT parley_message_text(content) || CASE WHEN attachment_names IS NULL THEN ''
    ELSE ' ' || attachment_names || ' ' || regexp_replace(attachment_names, '[^[:alnum:]]+', ' ', 'g') END
$$;

-- What a snippet is cut from: the text and the file names, without the two characters that mark matches.
CREATE FUNCTION parley_snippet_source(content text, attachment_names text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT translate(parley_message_text(content) || coalesce(' ' || attachment_names, ''), U&'\\E000\\E001', '')
$$;

ALTER TABLE messages ADD COLUMN attachment_names text;

-- A message's attachment names follow its attachments, by any path that adds or removes them.
CREATE FUNCTION parley_attachment_names() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  mid uuid;
BEGIN
  IF TG_OP = 'DELETE' THEN mid := OLD.message_id; ELSE mid := NEW.message_id; END IF;
  UPDATE messages SET attachment_names = (SELECT string_agg(filename, ' ' ORDER BY position) FROM attachments WHERE message_id = mid)
    WHERE id = mid;
  RETURN NULL;
END $$;
CREATE TRIGGER attachments_names AFTER INSERT OR DELETE ON attachments FOR EACH ROW EXECUTE FUNCTION parley_attachment_names();

-- Newest-first search and the before/after filters walk this index.
CREATE INDEX messages_sent_idx ON messages (sent_at DESC, id DESC);

-- The configuration the search_tsv column was built with (search-language.ts compares it with SEARCH_LANGUAGE).
CREATE TABLE search_settings (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  language text NOT NULL
);
INSERT INTO search_settings (language) VALUES ('simple');
${searchVectorDdl('simple')}`;
