-- Channel feedback and delivery (src/ingest/feedback*.ts, src/channels/{delivery,outbox,push,worklists}.ts).
-- feedback_events keeps every outcome a channel reported, with its full outcome, once per
-- (channel, event id): the ids are the channel system's own, so two systems may use the same one.
-- Campaign tracking reads the contact_events rows written beside it (contact_outcome lacks some
-- of these outcomes, so they are mapped there; the full one stays here).
CREATE TABLE feedback_events (
  -- channel_id || ':' || event_id (channel ids hold no ':'): one column, so that a batch's events
  -- are looked up through the index rather than by scanning the table
  event_key VARCHAR PRIMARY KEY,
  channel_id VARCHAR NOT NULL,
  event_id VARCHAR NOT NULL,
  subscriber_id INTEGER NOT NULL,
  campaign_id INTEGER NOT NULL,
  offer_id VARCHAR NOT NULL,
  outcome VARCHAR NOT NULL CHECK (outcome IN ('delivered', 'shown', 'not_shown', 'viewed', 'accepted', 'refused', 'ordered', 'failed')),
  event_time TIMESTAMP NOT NULL,
  -- the real-time decision (POST /api/decide) the event reports on, when the channel sends it back
  decision_id VARCHAR,
  source VARCHAR NOT NULL CHECK (source IN ('http', 'file', 'worklist')),
  -- the import batch of a file's events (import_batches, kind 'feedback')
  batch_id INTEGER,
  received_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp()
);

-- HTTP endpoints of channel systems that take pushed lists (managed with channels.manage).
CREATE TABLE channel_endpoints (
  channel_id VARCHAR PRIMARY KEY,
  url VARCHAR NOT NULL,
  -- sent as the Authorization header when set (a channel system's token for us)
  auth_header VARCHAR,
  max_attempts INTEGER NOT NULL DEFAULT 5 CHECK (max_attempts BETWEEN 1 AND 20),
  -- the first retry waits this long; each next one twice as long
  backoff_ms INTEGER NOT NULL DEFAULT 1000 CHECK (backoff_ms BETWEEN 0 AND 600000),
  timeout_ms INTEGER NOT NULL DEFAULT 10000 CHECK (timeout_ms BETWEEN 100 AND 600000),
  enabled BOOLEAN NOT NULL DEFAULT true,
  updated_by VARCHAR NOT NULL,
  updated_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp()
);

-- One hand-over of a list to one channel system: an outbox file (CSV + manifest), an HTTP push,
-- or a worklist in the console.
CREATE SEQUENCE delivery_seq START 1;
CREATE TABLE deliveries (
  delivery_id INTEGER PRIMARY KEY DEFAULT nextval('delivery_seq'),
  kind VARCHAR NOT NULL CHECK (kind IN ('wave_list', 'tariff_recommendations')),
  campaign_id INTEGER,
  wave_no SMALLINT,
  -- a tariff run's push
  run_id INTEGER,
  channel_id VARCHAR NOT NULL,
  method VARCHAR NOT NULL CHECK (method IN ('file', 'http', 'worklist')),
  -- the CSV relative to the outbox folder (method file)
  file VARCHAR,
  row_count BIGINT NOT NULL,
  sha256 VARCHAR,
  status VARCHAR NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error VARCHAR,
  created_by VARCHAR NOT NULL,
  created_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
  delivered_at TIMESTAMP
);

-- Every HTTP push attempt and what came of it.
CREATE TABLE delivery_attempts (
  delivery_id INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  started_at TIMESTAMP NOT NULL,
  duration_ms INTEGER NOT NULL,
  http_status INTEGER,
  error VARCHAR,
  result VARCHAR NOT NULL CHECK (result IN ('delivered', 'retry', 'failed'))
);

-- Account-manager worklists and outbound-call lists: one customer to call, with the offer's
-- script, assigned to one operator; the outcome goes through the feedback intake.
CREATE SEQUENCE worklist_item_seq START 1;
CREATE TABLE worklist_items (
  item_id INTEGER PRIMARY KEY DEFAULT nextval('worklist_item_seq'),
  delivery_id INTEGER NOT NULL,
  campaign_id INTEGER NOT NULL,
  wave_no SMALLINT NOT NULL,
  channel_id VARCHAR NOT NULL,
  subscriber_id INTEGER NOT NULL,
  offer_id VARCHAR NOT NULL,
  script VARCHAR,
  assignee VARCHAR NOT NULL,
  status VARCHAR NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
  last_outcome VARCHAR,
  updated_at TIMESTAMP
);
