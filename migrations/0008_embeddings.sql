-- prapp schema v8: sentence embeddings kept between runs, so a message is embedded once and a
-- re-evaluation, the coach and comparisons across sessions reuse it. The key is a hash of the
-- model's id and the text (semantic::key), so vectors of another model are never mixed in;
-- the vector is 384 little-endian f32s. Content-addressed, not per message: the same question
-- asked in many sessions is stored once, and transcripts from files get the same reuse.
CREATE TABLE embeddings (
    key BLOB PRIMARY KEY,
    vector BLOB NOT NULL
) WITHOUT ROWID;
