-- Saved customer segments: a named filter in the segment language (src/customers/segments.ts).
CREATE SEQUENCE segment_seq START 1;
CREATE TABLE segments (
  segment_id INTEGER PRIMARY KEY DEFAULT nextval('segment_seq'),
  name VARCHAR NOT NULL UNIQUE,
  description VARCHAR,
  filter JSON NOT NULL,
  created_by VARCHAR NOT NULL,
  created_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
  updated_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp()
);
