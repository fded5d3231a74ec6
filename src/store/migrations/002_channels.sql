-- The operator's contact channels (MISSION §1, §5). Capacities are per-day defaults an
-- administrator can change.
INSERT INTO channels (channel_id, name_zh, name_en, kind, daily_capacity) VALUES
  ('store',       '营业厅',       'Store desk',             'physical',   NULL),
  ('ivr',         '10086 IVR',    '10086 IVR',              'voice',      NULL),
  ('agent',       '10086 人工',   '10086 agent',            'voice',      NULL),
  ('outbound',    '外呼中心',     'Outbound call centre',   'voice',      20000),
  ('sms_hall',    '短信营业厅',   'SMS hall',               'electronic', NULL),
  ('web',         '网上营业厅',   'Online hall (website)',  'electronic', NULL),
  ('wap',         'WAP 营业厅',   'WAP hall',               'electronic', NULL),
  ('app',         '手机营业厅',   'Mobile app',             'electronic', NULL),
  ('account_mgr', '客户经理',     'Account manager',        'personal',   5000),
  ('terminal',    '自助终端',     'Self-service terminal',  'physical',   NULL);
