-- The 10086 IVR menu: what each path of keys offers, so that key-press analytics and a caller's
-- personal menu read as menus rather than digits. A path ending in key 0 is the agent.
CREATE TABLE ivr_menu (
  key_path VARCHAR NOT NULL PRIMARY KEY,
  label_zh VARCHAR NOT NULL,
  label_en VARCHAR NOT NULL,
  batch_id INTEGER
);
