-- Closed-loop campaigns (src/campaigns/): the campaign and its plan, the materialized targets
-- (treatment / control) and exclusions with their reasons, marketing resources with their own
-- approval, and the settings of the persistent global holdout. Money in integer fen.
CREATE SEQUENCE campaign_seq START 1;
CREATE TABLE campaigns (
  campaign_id INTEGER PRIMARY KEY DEFAULT nextval('campaign_seq'),
  name VARCHAR NOT NULL,
  category VARCHAR NOT NULL,
  status VARCHAR NOT NULL CHECK (status IN ('draft', 'submitted', 'approved', 'scheduled', 'running', 'paused', 'finished', 'evaluated')),
  -- optimistic concurrency: every change increments it; a change based on an older version is refused
  version INTEGER NOT NULL DEFAULT 1,
  -- the planner's definition (src/campaigns/types.ts CampaignPlan, normalized)
  plan JSON NOT NULL,
  -- first and last wave day, kept beside the plan for sorting and the measurement window
  start_date DATE,
  end_date DATE,
  -- the target filter as approved: a saved segment's filter is copied when the campaign is submitted
  target_filter JSON,
  return_reason VARCHAR,
  created_by VARCHAR NOT NULL,
  created_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
  updated_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
  submitted_by VARCHAR,
  submitted_at TIMESTAMP,
  approved_by VARCHAR,
  approved_at TIMESTAMP,
  scheduled_at TIMESTAMP,
  started_at TIMESTAMP,
  finished_at TIMESTAMP,
  evaluated_at TIMESTAMP,
  -- the final report, frozen when the campaign is evaluated
  evaluation JSON
);

-- Who the campaign targets, fixed when it is scheduled. Parallel waves: one row per subscriber;
-- serial waves: one row per subscriber and wave. The control group is chosen per subscriber by
-- hash(campaign, subscriber), so the split is reproducible; control rows carry the wave and channel
-- they would have had, for comparisons by channel and wave.
CREATE TABLE campaign_targets (
  campaign_id INTEGER NOT NULL,
  subscriber_id INTEGER NOT NULL,
  wave_no SMALLINT NOT NULL,
  channel_id VARCHAR NOT NULL,
  -- the channel rule's customer segment
  segment VARCHAR NOT NULL,
  grp VARCHAR NOT NULL CHECK (grp IN ('treatment', 'control'))
);

CREATE TABLE campaign_exclusions (
  campaign_id INTEGER NOT NULL,
  subscriber_id INTEGER NOT NULL,
  reason VARCHAR NOT NULL CHECK (reason IN ('holdout', 'status_suspended', 'status_arrears', 'status_cancelled', 'dnd', 'no_channel', 'over_capacity'))
);

-- Marketing resources (gifts, materials, gifted prepaid credit): applied for and approved apart
-- from the campaign, counted against one budget item, their use tracked.
CREATE SEQUENCE campaign_resource_seq START 1;
CREATE TABLE campaign_resources (
  resource_id INTEGER PRIMARY KEY DEFAULT nextval('campaign_resource_seq'),
  campaign_id INTEGER NOT NULL,
  kind VARCHAR NOT NULL CHECK (kind IN ('prepaid_credit', 'gift', 'material')),
  budget_item VARCHAR NOT NULL,
  description VARCHAR NOT NULL,
  quantity INTEGER NOT NULL CHECK (quantity > 0),
  unit_value_fen BIGINT NOT NULL CHECK (unit_value_fen >= 0),
  status VARCHAR NOT NULL CHECK (status IN ('applied', 'approved', 'rejected')),
  used_quantity INTEGER NOT NULL DEFAULT 0 CHECK (used_quantity >= 0),
  applied_by VARCHAR NOT NULL,
  applied_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
  decided_by VARCHAR,
  decided_at TIMESTAMP,
  decision_note VARCHAR
);

-- Marketing settings. The global holdout: customers whose bucket (md5 of salt and subscriber id,
-- mod 10000) falls below holdout_bp are never marketed, in any campaign, for long-run measurement.
CREATE TABLE marketing_settings (
  key VARCHAR PRIMARY KEY,
  value VARCHAR NOT NULL
);
INSERT INTO marketing_settings VALUES ('holdout_bp', '200'), ('holdout_salt', 'yiti-holdout');
