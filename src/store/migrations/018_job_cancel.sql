-- A job can be cancelled while it runs (a tariff simulation over the wrong target, say): the
-- status 'cancelled' joins the others. DuckDB cannot change a CHECK constraint in place, so the
-- table is rebuilt with its rows; nothing references it by key.
CREATE TABLE jobs_rebuilt (
  job_id VARCHAR PRIMARY KEY,
  kind VARCHAR NOT NULL,
  status VARCHAR NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  progress DOUBLE NOT NULL DEFAULT 0,
  message VARCHAR,
  params JSON,
  result JSON,
  error VARCHAR,
  created_by VARCHAR,
  created_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
  started_at TIMESTAMP,
  finished_at TIMESTAMP
);
INSERT INTO jobs_rebuilt SELECT job_id, kind, status, progress, message, params, result, error, created_by, created_at, started_at, finished_at FROM jobs;
DROP TABLE jobs;
ALTER TABLE jobs_rebuilt RENAME TO jobs;
