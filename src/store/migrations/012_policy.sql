-- The contact policy (src/policy/): the policy document, versioned (the highest version is in
-- force); real-time offers reserved as contacts until shown, released or timed out; and the
-- policy-checked list of each campaign wave, with the reason of every exclusion.
CREATE TABLE contact_policy (
  version INTEGER PRIMARY KEY,
  -- src/policy/types.ts ContactPolicy
  policy JSON NOT NULL,
  updated_by VARCHAR NOT NULL,
  updated_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp()
);

-- One row per offer a real-time decision returned. 'active' counts as a contact until it expires;
-- a channel's feedback confirms it ('confirmed') or releases it ('released': not shown).
CREATE TABLE policy_reservations (
  decision_id VARCHAR NOT NULL,
  subscriber_id INTEGER NOT NULL,
  channel_id VARCHAR NOT NULL,
  campaign_id INTEGER,
  offer_id VARCHAR,
  wave_no SMALLINT,
  reserved_at TIMESTAMP NOT NULL,
  expires_at TIMESTAMP NOT NULL,
  status VARCHAR NOT NULL CHECK (status IN ('active', 'confirmed', 'released', 'expired')),
  closed_at TIMESTAMP
);

-- The policy-checked list of a wave: each treatment target 'listed' (to be sent to its channel)
-- or 'excluded' with the policy's reason. A listed row counts as a contact until its wave ends.
CREATE TABLE wave_contacts (
  campaign_id INTEGER NOT NULL,
  wave_no SMALLINT NOT NULL,
  subscriber_id INTEGER NOT NULL,
  channel_id VARCHAR NOT NULL,
  offer_id VARCHAR,
  status VARCHAR NOT NULL CHECK (status IN ('listed', 'excluded')),
  reason VARCHAR,
  detail VARCHAR,
  -- the moment the list was checked for, and until when a listed row holds its contact
  listed_at TIMESTAMP NOT NULL,
  expires_at TIMESTAMP NOT NULL,
  -- when channel feedback reported the listed contact made ('contacted', then it is in
  -- contact_events) or not made ('released'); either way the row no longer holds a contact
  closed_as VARCHAR CHECK (closed_as IN ('contacted', 'released')),
  closed_at TIMESTAMP
);
