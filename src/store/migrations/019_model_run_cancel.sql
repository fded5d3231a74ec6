-- A model training can be cancelled like a tariff run: 'cancelled' joins the statuses of a run.
-- DuckDB cannot change a CHECK constraint in place, so the table is rebuilt with its rows (the
-- sequence stays); nothing references it by key.
CREATE TABLE model_runs_rebuilt (
  run_id INTEGER PRIMARY KEY DEFAULT nextval('model_run_seq'),
  model VARCHAR NOT NULL,
  target VARCHAR NOT NULL,
  version INTEGER NOT NULL,
  status VARCHAR NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled')),
  params JSON NOT NULL,
  data_window JSON,
  metrics JSON,
  job_id VARCHAR,
  error VARCHAR,
  created_by VARCHAR NOT NULL,
  started_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
  finished_at TIMESTAMP,
  UNIQUE (model, target, version)
);
INSERT INTO model_runs_rebuilt
  SELECT run_id, model, target, version, status, params, data_window, metrics, job_id, error, created_by, started_at, finished_at FROM model_runs;
DROP TABLE model_runs;
ALTER TABLE model_runs_rebuilt RENAME TO model_runs;
