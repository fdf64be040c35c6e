-- Insight: the counters at the granularity the dashboards read, so that a dashboard answer
-- reads one row per (service, step, metric) and per day or whole month of its period
-- (grain 0: `day` is that day; grain 1: the UTC month starting on `day`), however many events
-- there are: a year is 12 month rows and at most 60 edge days, not 366 days.
-- Every count is written once per distinct grouping set of {its channel, every channel} x
-- {everywhere, its département, its commune}; "" in channel, departement or commune means
-- "all of them". A filter reads exactly one grouping set: no row is summed that the filter
-- excludes, none is split further than the filter asks. Duration histograms (hour buckets up
-- to 48 h, then days) are one mergeable text column per row ("bucket:count,..." by bucket),
-- merged by the fold and by the reader, instead of one row per bucket.
-- Replaces insight_counts and insight_rollup; the fold starts again from the first event
-- (everything here is derived from the event log).
DROP TABLE insight_counts;
DROP TABLE insight_rollup;
CREATE TABLE insight_cube (
  journey TEXT COLLATE "C" NOT NULL,
  channel TEXT COLLATE "C" NOT NULL,
  departement TEXT COLLATE "C" NOT NULL,
  commune TEXT COLLATE "C" NOT NULL,
  grain BIGINT NOT NULL,
  day BIGINT NOT NULL,
  service TEXT COLLATE "C" NOT NULL,
  step TEXT COLLATE "C" NOT NULL,
  metric TEXT COLLATE "C" NOT NULL,
  n BIGINT NOT NULL,
  total BIGINT NOT NULL,
  hist TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (journey, channel, departement, commune, grain, day, service, step, metric)
);
-- Service dashboards: the same grouping set and period, over every journey.
CREATE INDEX insight_cube_service ON insight_cube (service, channel, departement, commune, grain, day);
-- The cursor also says up to when the aggregates are complete ("données à jour au ...").
ALTER TABLE insight_cursor ADD COLUMN as_of_ms BIGINT NOT NULL DEFAULT 0;
DELETE FROM insight_cursor;
DELETE FROM insight_journeys;
DELETE FROM insight_steps;
DELETE FROM insight_persons;
DELETE FROM insight_deliveries;
DELETE FROM insight_complaints;
DELETE FROM insight_comments;
