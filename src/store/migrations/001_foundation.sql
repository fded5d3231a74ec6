-- Yiti foundation schema. Money in integer fen, durations in seconds, data in KB,
-- timestamps naive in the operator's time zone. High-volume code columns are ENUMs
-- (one byte each, and an import with an unknown code fails on the cast).

CREATE TYPE brand AS ENUM ('gotone', 'mzone', 'easyown');
CREATE TYPE subscriber_status AS ENUM ('active', 'suspended', 'arrears', 'cancelled');
CREATE TYPE payment_type AS ENUM ('prepaid', 'postpaid');
CREATE TYPE gender AS ENUM ('M', 'F');
CREATE TYPE roam_type AS ENUM ('none', 'intra', 'inter', 'intl');
CREATE TYPE call_direction AS ENUM ('mo', 'mt', 'cf');
-- Distance class of a voice call; IP long distance is marked by ip_prefix, not by class.
CREATE TYPE call_class AS ENUM ('local', 'dld', 'intl', 'hmt');
CREATE TYPE time_band AS ENUM ('peak', 'offpeak');
CREATE TYPE msg_direction AS ENUM ('mo', 'mt');
CREATE TYPE peer_net AS ENUM ('onnet', 'offnet', 'intl', 'sp');
CREATE TYPE apn AS ENUM ('cmnet', 'cmwap');
CREATE TYPE data_service AS ENUM ('web', 'fetion', 'mail', 'video', 'music', 'game', 'news', 'other');
CREATE TYPE contact_type AS ENUM ('consultation', 'complaint', 'transaction', 'marketing', 'care', 'browse');
CREATE TYPE contact_outcome AS ENUM ('resolved', 'unresolved', 'completed', 'accepted', 'refused', 'no_answer', 'transferred');
CREATE TYPE bill_item AS ENUM ('monthly_fee', 'local_voice', 'dld_voice', 'ip_voice', 'intl_voice', 'roam_voice',
  'sms', 'mms', 'gprs', 'wlan', 'vas', 'other', 'discount');
CREATE TYPE product_kind AS ENUM ('tariff_plan', 'vas', 'offer');
CREATE TYPE service_kind AS ENUM ('voice', 'gprs', 'sms', 'mms', 'wlan');
CREATE TYPE web_site AS ENUM ('portal', 'monternet', 'mail139', 'fetion', 'online_hall', 'wap');

-- Reference data ----------------------------------------------------------------

CREATE TABLE cities (
  city_code VARCHAR PRIMARY KEY,
  name_zh VARCHAR NOT NULL,
  name_en VARCHAR NOT NULL,
  is_capital BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE channels (
  channel_id VARCHAR PRIMARY KEY,
  name_zh VARCHAR NOT NULL,
  name_en VARCHAR NOT NULL,
  kind VARCHAR NOT NULL CHECK (kind IN ('physical', 'voice', 'electronic', 'personal')),
  -- contacts per day the channel can carry (seats, desks); NULL = unbounded
  daily_capacity INTEGER
);

CREATE TABLE groups (
  group_id VARCHAR PRIMARY KEY,
  name VARCHAR NOT NULL,
  industry VARCHAR NOT NULL,
  city_code VARCHAR NOT NULL,
  has_vpmn BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE products (
  product_id VARCHAR PRIMARY KEY,
  kind product_kind NOT NULL,
  service service_kind,
  name_zh VARCHAR NOT NULL,
  name_en VARCHAR NOT NULL,
  monthly_fee_fen INTEGER NOT NULL DEFAULT 0 CHECK (monthly_fee_fen >= 0),
  -- brands the product may be sold to; NULL = all
  brands VARCHAR[],
  -- the tariff definition (plans) or offer terms, as JSON
  definition JSON,
  active BOOLEAN NOT NULL DEFAULT true
);

-- Unified customer view ------------------------------------------------------------

CREATE TABLE subscribers (
  subscriber_id INTEGER PRIMARY KEY,
  msisdn VARCHAR NOT NULL UNIQUE,
  brand brand NOT NULL,
  plan_id VARCHAR NOT NULL,
  status subscriber_status NOT NULL,
  city_code VARCHAR NOT NULL,
  age SMALLINT NOT NULL CHECK (age BETWEEN 10 AND 100),
  gender gender NOT NULL,
  join_date DATE NOT NULL,
  arpu_fen INTEGER NOT NULL CHECK (arpu_fen >= 0),
  payment_type payment_type NOT NULL,
  vip_level TINYINT NOT NULL DEFAULT 0 CHECK (vip_level BETWEEN 0 AND 4),
  handset_brand VARCHAR,
  handset_gprs BOOLEAN NOT NULL DEFAULT true,
  handset_mms BOOLEAN NOT NULL DEFAULT true,
  handset_wap BOOLEAN NOT NULL DEFAULT true,
  handset_smart BOOLEAN NOT NULL DEFAULT false,
  dnd BOOLEAN NOT NULL DEFAULT false,
  group_id VARCHAR,
  vpmn_group_id VARCHAR,
  is_group_key_person BOOLEAN NOT NULL DEFAULT false
);

-- The demo generator's hidden persona per subscriber: ground truth for model tests.
-- Real imported data has no rows here.
CREATE TABLE demo_personas (
  subscriber_id INTEGER PRIMARY KEY,
  persona VARCHAR NOT NULL
);

CREATE TABLE holdings (
  subscriber_id INTEGER NOT NULL,
  product_id VARCHAR NOT NULL,
  start_date DATE NOT NULL,
  end_date DATE,
  batch_id INTEGER
);

CREATE TABLE orders (
  order_id VARCHAR NOT NULL,
  subscriber_id INTEGER NOT NULL,
  product_id VARCHAR NOT NULL,
  channel_id VARCHAR NOT NULL,
  action VARCHAR NOT NULL CHECK (action IN ('order', 'cancel', 'change')),
  order_time TIMESTAMP NOT NULL,
  status VARCHAR NOT NULL CHECK (status IN ('completed', 'failed', 'pending')),
  batch_id INTEGER
);

-- Usage (BOSS / VGOP) ---------------------------------------------------------------

CREATE TABLE cdr_voice (
  subscriber_id INTEGER NOT NULL,
  start_time TIMESTAMP NOT NULL,
  duration_s INTEGER NOT NULL,
  direction call_direction NOT NULL,
  call_class call_class NOT NULL,
  time_band time_band NOT NULL,
  roam_type roam_type NOT NULL,
  -- city where the call was made when roaming (city code or country/region code)
  visited_city VARCHAR,
  -- '17951' IP long distance, '12593' IP long distance via 12593; NULL otherwise
  ip_prefix VARCHAR,
  -- country group for international calls (1..n); NULL otherwise
  country_group TINYINT,
  is_vpmn BOOLEAN NOT NULL DEFAULT false,
  charge_fen INTEGER NOT NULL,
  batch_id INTEGER
);

CREATE TABLE cdr_sms (
  subscriber_id INTEGER NOT NULL,
  sent_time TIMESTAMP NOT NULL,
  direction msg_direction NOT NULL,
  peer_net peer_net NOT NULL,
  roam_type roam_type NOT NULL,
  charge_fen INTEGER NOT NULL,
  batch_id INTEGER
);

CREATE TABLE cdr_mms (
  subscriber_id INTEGER NOT NULL,
  sent_time TIMESTAMP NOT NULL,
  direction msg_direction NOT NULL,
  peer_net peer_net NOT NULL,
  roam_type roam_type NOT NULL,
  size_kb INTEGER NOT NULL,
  charge_fen INTEGER NOT NULL,
  batch_id INTEGER
);

CREATE TABLE cdr_gprs (
  subscriber_id INTEGER NOT NULL,
  start_time TIMESTAMP NOT NULL,
  duration_s INTEGER NOT NULL,
  volume_kb INTEGER NOT NULL,
  apn apn NOT NULL,
  service data_service NOT NULL,
  roam_type roam_type NOT NULL,
  charge_fen INTEGER NOT NULL,
  batch_id INTEGER
);

CREATE TABLE cdr_wlan (
  subscriber_id INTEGER NOT NULL,
  start_time TIMESTAMP NOT NULL,
  duration_s INTEGER NOT NULL,
  volume_kb INTEGER NOT NULL,
  hotspot_city VARCHAR NOT NULL,
  charge_fen INTEGER NOT NULL,
  batch_id INTEGER
);

CREATE TABLE bills (
  subscriber_id INTEGER NOT NULL,
  bill_month DATE NOT NULL,
  item bill_item NOT NULL,
  amount_fen INTEGER NOT NULL,
  batch_id INTEGER
);

-- Contacts (CRM, IVR, web) ----------------------------------------------------------

CREATE TABLE contact_events (
  subscriber_id INTEGER NOT NULL,
  event_time TIMESTAMP NOT NULL,
  channel_id VARCHAR NOT NULL,
  event_type contact_type NOT NULL,
  business VARCHAR NOT NULL,
  outcome contact_outcome NOT NULL,
  duration_s INTEGER,
  campaign_id VARCHAR,
  note VARCHAR,
  batch_id INTEGER
);

CREATE TABLE ivr_sessions (
  session_id BIGINT NOT NULL,
  subscriber_id INTEGER NOT NULL,
  start_time TIMESTAMP NOT NULL,
  -- the menu keys pressed in order, e.g. '1>3>2'
  key_path VARCHAR NOT NULL,
  duration_s INTEGER NOT NULL,
  to_agent BOOLEAN NOT NULL,
  abandoned BOOLEAN NOT NULL,
  batch_id INTEGER
);

CREATE TABLE web_browse (
  subscriber_id INTEGER NOT NULL,
  visit_time TIMESTAMP NOT NULL,
  site web_site NOT NULL,
  page_path VARCHAR NOT NULL,
  duration_s INTEGER NOT NULL,
  batch_id INTEGER
);

-- Costs (MIS) -----------------------------------------------------------------------

CREATE TABLE costs (
  cost_month DATE NOT NULL,
  city_code VARCHAR NOT NULL,
  item VARCHAR NOT NULL CHECK (item IN ('advertising', 'promotion', 'network_ops', 'marketing_org', 'sales', 'admin')),
  amount_fen BIGINT NOT NULL,
  batch_id INTEGER
);

-- Platform ---------------------------------------------------------------------------

CREATE SEQUENCE import_batch_seq START 1;
CREATE TABLE import_batches (
  batch_id INTEGER PRIMARY KEY DEFAULT nextval('import_batch_seq'),
  kind VARCHAR NOT NULL,
  file_name VARCHAR NOT NULL,
  file_sha256 VARCHAR NOT NULL,
  row_count BIGINT NOT NULL,
  source VARCHAR NOT NULL,
  imported_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
  UNIQUE (kind, file_sha256)
);

CREATE TABLE province_meta (
  key VARCHAR PRIMARY KEY,
  value VARCHAR NOT NULL
);

CREATE TABLE jobs (
  job_id VARCHAR PRIMARY KEY,
  kind VARCHAR NOT NULL,
  status VARCHAR NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
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

CREATE TABLE users (
  username VARCHAR PRIMARY KEY,
  display_name VARCHAR NOT NULL,
  role VARCHAR NOT NULL CHECK (role IN ('admin', 'planner', 'approver', 'analyst', 'operator', 'auditor')),
  password_hash VARCHAR NOT NULL,
  active BOOLEAN NOT NULL DEFAULT true,
  created_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp()
);

CREATE TABLE sessions (
  token_sha256 VARCHAR PRIMARY KEY,
  username VARCHAR NOT NULL,
  created_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
  expires_at TIMESTAMP NOT NULL
);

CREATE SEQUENCE audit_seq START 1;
CREATE TABLE audit_log (
  audit_id BIGINT PRIMARY KEY DEFAULT nextval('audit_seq'),
  occurred_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
  actor VARCHAR NOT NULL,
  action VARCHAR NOT NULL,
  target VARCHAR,
  detail JSON
);
