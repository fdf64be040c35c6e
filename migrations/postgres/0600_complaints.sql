-- Complaints (module complaints, include/parcours/complaints/complaints.h): one row per
-- complaint with its state and due date, and the messages exchanged with the person. Every
-- change is also an event (fr.parcours.complaint.*) appended in the same transaction.
CREATE TABLE complaints (
  id TEXT COLLATE "C" PRIMARY KEY,
  person_id TEXT COLLATE "C" NOT NULL,
  organisation_id TEXT COLLATE "C" NOT NULL,
  service TEXT NOT NULL,
  about TEXT NOT NULL,
  dossier_id TEXT,
  journey_id TEXT,
  step_id TEXT,
  target_label_fr TEXT NOT NULL,
  target_label_en TEXT NOT NULL,
  category TEXT NOT NULL,
  body TEXT NOT NULL,
  reference TEXT NOT NULL,
  state TEXT NOT NULL,
  channel TEXT NOT NULL,
  filed_by TEXT NOT NULL,
  assignee TEXT NOT NULL DEFAULT '',
  assignee_name TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL DEFAULT '',
  sla_days INTEGER NOT NULL,
  filed_ms BIGINT NOT NULL,
  due_ms BIGINT NOT NULL,
  assigned_ms BIGINT,
  closed_ms BIGINT,
  updated_ms BIGINT NOT NULL
);
CREATE INDEX complaints_person ON complaints (person_id, filed_ms);
CREATE INDEX complaints_queue ON complaints (organisation_id, state, due_ms);

CREATE TABLE complaint_messages (
  complaint_id TEXT COLLATE "C" NOT NULL REFERENCES complaints (id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  author_kind TEXT NOT NULL,
  author TEXT NOT NULL,
  author_name TEXT NOT NULL,
  body TEXT NOT NULL,
  created_ms BIGINT NOT NULL,
  PRIMARY KEY (complaint_id, seq)
);
