-- Model runs (src/models/runs.ts): every training is a versioned run with its parameters, data
-- window, metrics and log; the scores it produced are kept per run so a campaign can pin a version.
CREATE SEQUENCE model_run_seq START 1;
CREATE TABLE model_runs (
  run_id INTEGER PRIMARY KEY DEFAULT nextval('model_run_seq'),
  -- the kind of model: propensity, channel_preference, cpc, lift, ...
  model VARCHAR NOT NULL,
  -- what it models: a product id, a label column, 'channels', ...
  target VARCHAR NOT NULL,
  version INTEGER NOT NULL,
  status VARCHAR NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
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

CREATE TABLE model_run_log (
  run_id INTEGER NOT NULL,
  logged_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
  message VARCHAR NOT NULL
);

-- One score per subscriber (label '') or per subscriber and class (e.g. a channel id), 0..100.
-- No key: a million rows a run are bulk-inserted; (run_id, subscriber_id, label) is unique by construction.
CREATE TABLE model_scores (
  run_id INTEGER NOT NULL,
  subscriber_id INTEGER NOT NULL,
  label VARCHAR NOT NULL DEFAULT '',
  score DOUBLE NOT NULL
);
