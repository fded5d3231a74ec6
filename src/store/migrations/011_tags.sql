-- Customer tags (src/models/tags.ts): rule-defined over the segment language, recomputed on
-- schedule; customer_tags holds the current members of each tag.
CREATE TABLE tags (
  tag_id VARCHAR PRIMARY KEY,
  name_zh VARCHAR NOT NULL,
  name_en VARCHAR NOT NULL,
  -- a filter in the segment language (src/customers/segments.ts)
  rule JSON NOT NULL,
  -- marketing advice for the front line: script, timing, channel
  advice JSON,
  computed_at TIMESTAMP
);

CREATE TABLE customer_tags (
  tag_id VARCHAR NOT NULL,
  subscriber_id INTEGER NOT NULL
);
