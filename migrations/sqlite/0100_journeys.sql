-- Journeys (module journeys): one row per journey a person started from a life event, the
-- statuses recorded for its steps, and the answers the person gave (until the vault holds
-- them: see journeys::SituationSource). Plans are computed on read, never stored.
CREATE TABLE journeys (
  id TEXT PRIMARY KEY,
  person_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  event_date TEXT NOT NULL,
  created_ms BIGINT NOT NULL,
  updated_ms BIGINT NOT NULL
);
CREATE INDEX journeys_person ON journeys (person_id, created_ms);

CREATE TABLE journey_steps (
  journey_id TEXT NOT NULL REFERENCES journeys (id) ON DELETE CASCADE,
  step_id TEXT NOT NULL,
  status TEXT NOT NULL,
  updated_ms BIGINT NOT NULL,
  PRIMARY KEY (journey_id, step_id)
);

CREATE TABLE journey_answers (
  person_id TEXT NOT NULL,
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  updated_ms BIGINT NOT NULL,
  PRIMARY KEY (person_id, name)
);
