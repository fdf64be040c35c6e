-- Insight (SQLite): insight_cube stored in its primary key's B-tree (WITHOUT ROWID). Every fold
-- batch upserts tens of thousands of rows by their primary key; with a rowid each upsert
-- searched the key's index and then the table by rowid, reading and writing two B-trees. The
-- rows are copied as they are: no fold again.
CREATE TABLE insight_cube_keyed (
  journey TEXT NOT NULL,
  channel TEXT NOT NULL,
  departement TEXT NOT NULL,
  commune TEXT NOT NULL,
  grain BIGINT NOT NULL,
  day BIGINT NOT NULL,
  service TEXT NOT NULL,
  step TEXT NOT NULL,
  metric TEXT NOT NULL,
  n BIGINT NOT NULL,
  total BIGINT NOT NULL,
  hist TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (journey, channel, departement, commune, grain, day, service, step, metric)
) WITHOUT ROWID;
INSERT INTO insight_cube_keyed (journey, channel, departement, commune, grain, day, service, step, metric, n, total, hist)
  SELECT journey, channel, departement, commune, grain, day, service, step, metric, n, total, hist FROM insight_cube;
DROP TABLE insight_cube;
ALTER TABLE insight_cube_keyed RENAME TO insight_cube;
CREATE INDEX insight_cube_service ON insight_cube (service, channel, departement, commune, grain, day);
