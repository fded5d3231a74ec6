-- API keys of channel systems (online hall, app, store desk, outbound centre …) for the decision
-- API and the feedback intake (src/channels/keys.ts). Only a hash of the secret is kept.
CREATE TABLE channel_api_keys (
  key_id VARCHAR PRIMARY KEY,
  channel_id VARCHAR NOT NULL,
  label VARCHAR NOT NULL,
  secret_sha256 VARCHAR NOT NULL,
  created_by VARCHAR NOT NULL,
  created_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
  revoked_at TIMESTAMP
);
