-- Insight (customer-experience indicators): aggregates folded from the event log, and the
-- per-object state the fold needs. Everything here can be dropped and rebuilt from `events`
-- (`parcours insight rebuild`). See docs/INDICATORS.md.
CREATE TABLE insight_cursor (
  name TEXT PRIMARY KEY,
  last_id TEXT NOT NULL,
  updated_ms BIGINT NOT NULL
);
-- Counters per day (UTC) and dimensions. `bucket` is -1 for plain counters, else the upper
-- bound in hours of a duration histogram bucket. total is a sum (e.g. of ms, or of scores).
CREATE TABLE insight_counts (
  journey TEXT NOT NULL,
  day BIGINT NOT NULL,
  service TEXT NOT NULL,
  step TEXT NOT NULL,
  channel TEXT NOT NULL,
  departement TEXT NOT NULL,
  commune TEXT NOT NULL,
  metric TEXT NOT NULL,
  bucket BIGINT NOT NULL,
  n BIGINT NOT NULL,
  total BIGINT NOT NULL,
  PRIMARY KEY (journey, day, service, step, channel, departement, commune, metric, bucket)
);
CREATE INDEX insight_counts_service ON insight_counts (service, day);
CREATE TABLE insight_journeys (
  journey_id TEXT PRIMARY KEY,
  life_event TEXT NOT NULL,
  channel TEXT NOT NULL,
  departement TEXT NOT NULL,
  commune TEXT NOT NULL,
  started_ms BIGINT NOT NULL,
  pending TEXT NOT NULL,
  helped INTEGER NOT NULL DEFAULT 0,
  completed_ms BIGINT,
  benefit_ms BIGINT
);
CREATE TABLE insight_steps (
  journey_id TEXT NOT NULL,
  step_id TEXT NOT NULL,
  started INTEGER NOT NULL DEFAULT 0,
  done INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (journey_id, step_id)
);
CREATE TABLE insight_persons (
  person_id TEXT PRIMARY KEY,
  journey_id TEXT NOT NULL
);
CREATE TABLE insight_deliveries (
  delivery_id TEXT PRIMARY KEY,
  service TEXT NOT NULL,
  created_ms BIGINT NOT NULL,
  decided INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE insight_complaints (
  complaint_id TEXT PRIMARY KEY,
  journey_id TEXT NOT NULL,
  service TEXT NOT NULL,
  filed_ms BIGINT NOT NULL,
  resolved_ms BIGINT
);
-- Feedback comments as managers see them: never an identity (no person, no event id).
CREATE TABLE insight_comments (
  seq TEXT PRIMARY KEY,
  journey TEXT NOT NULL,
  day BIGINT NOT NULL,
  service TEXT NOT NULL,
  step TEXT NOT NULL,
  channel TEXT NOT NULL,
  departement TEXT NOT NULL,
  satisfaction TEXT NOT NULL,
  comment TEXT NOT NULL
);
CREATE INDEX insight_comments_journey ON insight_comments (journey, day);
CREATE INDEX insight_comments_service ON insight_comments (service, day);
