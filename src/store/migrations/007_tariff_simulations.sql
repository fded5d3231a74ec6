-- Tariff-communication runs (src/tariffs/simulation.ts): candidate plans × a target segment ×
-- the data months, run as a tracked job; one result row per target customer. Money in fen,
-- totals over the months the customer was billed.
CREATE SEQUENCE tariff_run_seq START 1;
CREATE TABLE tariff_runs (
  run_id INTEGER PRIMARY KEY DEFAULT nextval('tariff_run_seq'),
  name VARCHAR NOT NULL,
  -- the tracked job; the run's status is the job's
  job_id VARCHAR NOT NULL,
  -- candidate plans, in the order their costs are stored in tariff_run_results.costs
  plan_ids VARCHAR[] NOT NULL,
  segment_id INTEGER,
  -- the target filter as run (a saved segment's filter is copied, so later edits do not change the run)
  filter JSON NOT NULL,
  months VARCHAR[] NOT NULL,
  -- a customer counts as on a sub-optimal plan when a candidate saves more than this over the months
  min_saving_fen BIGINT NOT NULL DEFAULT 0,
  target_count INTEGER NOT NULL,
  summary JSON,
  created_by VARCHAR NOT NULL,
  created_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
  finished_at TIMESTAMP
);

-- Who the run targets, fixed when it starts (the segment may change later).
CREATE TABLE tariff_run_targets (
  run_id INTEGER NOT NULL,
  subscriber_id INTEGER NOT NULL,
  PRIMARY KEY (run_id, subscriber_id)
);

CREATE TABLE tariff_run_results (
  run_id INTEGER NOT NULL,
  subscriber_id INTEGER NOT NULL,
  current_plan_id VARCHAR NOT NULL,
  months_billed INTEGER NOT NULL,
  -- what the customer was billed over the months billed
  current_fen BIGINT NOT NULL,
  -- cost under each candidate plan (tariff_runs.plan_ids order) over the same months
  costs BIGINT[] NOT NULL,
  -- 'better': some eligible candidate saves more than min_saving_fen; 'no_better'; 'no_bill': no bill in the months
  outcome VARCHAR NOT NULL CHECK (outcome IN ('better', 'no_better', 'no_bill')),
  -- the plans tied for the largest saving (empty when no better plan), and every saving plan ranked
  best_plan_ids VARCHAR[] NOT NULL,
  recommended VARCHAR[] NOT NULL,
  best_fen BIGINT,
  saving_fen BIGINT NOT NULL,
  -- the operator's revenue change if the customer takes the best plan (≤ 0; 0 when no better plan)
  revenue_change_fen BIGINT NOT NULL,
  -- customer-months the per-call reference rater priced (the usage profile could not)
  reference_months INTEGER NOT NULL DEFAULT 0,
  notes JSON,
  PRIMARY KEY (run_id, subscriber_id)
);
