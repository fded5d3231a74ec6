-- What one marketing contact costs on each channel (fen): the seat minute of an outbound call, an
-- account manager's visit, a message; used to simulate a campaign's cost before launch. Defaults an
-- administrator can change.
ALTER TABLE channels ADD COLUMN contact_cost_fen INTEGER DEFAULT 0;
UPDATE channels SET contact_cost_fen = CASE channel_id
  WHEN 'store' THEN 200 WHEN 'ivr' THEN 20 WHEN 'agent' THEN 300 WHEN 'outbound' THEN 150 WHEN 'sms_hall' THEN 5
  WHEN 'web' THEN 1 WHEN 'wap' THEN 1 WHEN 'app' THEN 1 WHEN 'account_mgr' THEN 1000 WHEN 'terminal' THEN 10 ELSE 0 END;
