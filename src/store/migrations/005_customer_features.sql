-- One row per subscriber of behaviour over the province's data months (monthly averages),
-- rebuilt after data changes. Segments, tariff targeting and models read it instead of
-- scanning CDRs, so a segment count on a million subscribers stays interactive.
CREATE TABLE customer_features (
  subscriber_id INTEGER PRIMARY KEY,
  months INTEGER NOT NULL,
  bill_fen INTEGER NOT NULL,
  voice_calls DOUBLE NOT NULL,
  voice_minutes DOUBLE NOT NULL,
  local_minutes DOUBLE NOT NULL,
  long_distance_minutes DOUBLE NOT NULL,
  ip_minutes DOUBLE NOT NULL,
  intl_minutes DOUBLE NOT NULL,
  roam_intra_minutes DOUBLE NOT NULL,
  roam_inter_minutes DOUBLE NOT NULL,
  offpeak_share DOUBLE NOT NULL,
  vpmn_minutes DOUBLE NOT NULL,
  sms DOUBLE NOT NULL,
  mms DOUBLE NOT NULL,
  gprs_mb DOUBLE NOT NULL,
  fetion_mb DOUBLE NOT NULL,
  wlan_minutes DOUBLE NOT NULL,
  vas_count INTEGER NOT NULL,
  contacts_90d INTEGER NOT NULL,
  complaints_90d INTEGER NOT NULL,
  store_visits_90d INTEGER NOT NULL,
  e_channel_share DOUBLE NOT NULL,
  last_contact_at TIMESTAMP
);
