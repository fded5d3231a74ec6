-- Customer tags (src/models/tags.ts), CPC segments (src/models/cpc.ts) and business–channel
-- fit (src/models/fit.ts).

-- Tags: rule-defined over the segment language, recomputed on schedule; customer_tags holds
-- the current members of each tag.
CREATE TABLE tags (
  tag_id VARCHAR PRIMARY KEY,
  name_zh VARCHAR NOT NULL,
  name_en VARCHAR NOT NULL,
  -- 'standard' (the Henan identification tags), 'value_tier' (the five tiers) or 'custom'
  kind VARCHAR NOT NULL DEFAULT 'custom' CHECK (kind IN ('standard', 'value_tier', 'custom')),
  description_zh VARCHAR,
  description_en VARCHAR,
  -- a filter in the segment language (src/customers/segments.ts)
  rule JSON NOT NULL,
  -- marketing advice for the front line: {script, timing, channelId}
  advice JSON,
  members INTEGER,
  computed_at TIMESTAMP,
  updated_by VARCHAR,
  updated_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp()
);

CREATE TABLE customer_tags (
  tag_id VARCHAR NOT NULL,
  subscriber_id INTEGER NOT NULL
);

-- Wiki-style: each user holds one rating (1..5) per tag, changeable; comments accumulate.
CREATE TABLE tag_ratings (
  tag_id VARCHAR NOT NULL,
  username VARCHAR NOT NULL,
  rating TINYINT NOT NULL CHECK (rating BETWEEN 1 AND 5),
  rated_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
  PRIMARY KEY (tag_id, username)
);

CREATE SEQUENCE tag_comment_seq START 1;
CREATE TABLE tag_comments (
  comment_id INTEGER PRIMARY KEY DEFAULT nextval('tag_comment_seq'),
  tag_id VARCHAR NOT NULL,
  username VARCHAR NOT NULL,
  body VARCHAR NOT NULL,
  created_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp()
);

-- CPC segments: one row per cluster of a k-means run (model 'cpc'); members are in
-- model_scores (label = cluster number). Centroids are standardized (z) values per feature.
CREATE TABLE cpc_segments (
  run_id INTEGER NOT NULL,
  cluster INTEGER NOT NULL,
  subscribers INTEGER NOT NULL,
  label_key VARCHAR NOT NULL,
  name_zh VARCHAR NOT NULL,
  name_en VARCHAR NOT NULL,
  centroid JSON NOT NULL,
  means JSON NOT NULL,
  PRIMARY KEY (run_id, cluster)
);

-- The fit matrices of a CPC run: 'cp' segment × product, 'cc' segment × channel, 'pc' product ×
-- channel. value is the share (penetration, contact share, order share); ratio is value over the
-- province's value for the column (1 = as the province, 2 = twice as likely).
CREATE TABLE cpc_fit_cells (
  run_id INTEGER NOT NULL,
  matrix VARCHAR NOT NULL CHECK (matrix IN ('cp', 'cc', 'pc')),
  row_key VARCHAR NOT NULL,
  col_key VARCHAR NOT NULL,
  value DOUBLE NOT NULL,
  ratio DOUBLE
);

-- Business–channel fit: attribute parameters of businesses and channels on shared dimensions
-- (each 0..5), from which a grade A/B/C per pair is computed; overrides win and are audited.
CREATE TABLE fit_businesses (
  business_id VARCHAR PRIMARY KEY,
  name_zh VARCHAR NOT NULL,
  name_en VARCHAR NOT NULL,
  attributes JSON NOT NULL,
  updated_by VARCHAR,
  updated_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp()
);

CREATE TABLE fit_channels (
  channel_id VARCHAR PRIMARY KEY,
  attributes JSON NOT NULL,
  updated_by VARCHAR,
  updated_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp()
);

CREATE TABLE fit_overrides (
  business_id VARCHAR NOT NULL,
  channel_id VARCHAR NOT NULL,
  grade VARCHAR NOT NULL CHECK (grade IN ('A', 'B', 'C')),
  reason VARCHAR,
  updated_by VARCHAR NOT NULL,
  updated_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
  PRIMARY KEY (business_id, channel_id)
);
