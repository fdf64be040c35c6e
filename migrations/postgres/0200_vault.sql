-- Once-only data vault: people, households, attributes with provenance and history,
-- service declarations, consents, and the append-only hash-chained access log.
-- Timestamps are BIGINT milliseconds since the Unix epoch (UTC); dates are 'YYYY-MM-DD'.

CREATE TABLE vault_persons (
  id TEXT PRIMARY KEY,
  created_at_ms BIGINT NOT NULL,
  erased_at_ms BIGINT
);

CREATE TABLE vault_households (
  id TEXT PRIMARY KEY,
  label TEXT NOT NULL DEFAULT '',
  created_at_ms BIGINT NOT NULL
);

-- A person belongs to at most one household at a time.
CREATE TABLE vault_household_members (
  household_id TEXT NOT NULL REFERENCES vault_households(id),
  person_id TEXT NOT NULL UNIQUE REFERENCES vault_persons(id),
  role TEXT NOT NULL,
  first_name TEXT NOT NULL DEFAULT '',
  birth_date TEXT,
  added_at_ms BIGINT NOT NULL,
  PRIMARY KEY (household_id, person_id)
);

-- The current value of each attribute. Sensitive values live only in value_cipher
-- (nonce || secretbox), sealed under key_id; value_text is then NULL.
CREATE TABLE vault_attributes (
  person_id TEXT NOT NULL REFERENCES vault_persons(id),
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  value_text TEXT,
  value_cipher BYTEA,
  key_id TEXT,
  provenance_kind TEXT NOT NULL,
  provenance_source TEXT NOT NULL DEFAULT '',
  verification TEXT NOT NULL,
  collected_at_ms BIGINT NOT NULL,
  valid_until_ms BIGINT,
  updated_at_ms BIGINT NOT NULL,
  version BIGINT NOT NULL,
  PRIMARY KEY (person_id, name)
);

-- Previous values, same encryption rule as vault_attributes.
CREATE TABLE vault_attribute_history (
  id TEXT PRIMARY KEY,
  person_id TEXT NOT NULL,
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  value_text TEXT,
  value_cipher BYTEA,
  key_id TEXT,
  provenance_kind TEXT NOT NULL,
  provenance_source TEXT NOT NULL DEFAULT '',
  verification TEXT NOT NULL,
  collected_at_ms BIGINT NOT NULL,
  valid_until_ms BIGINT,
  version BIGINT NOT NULL,
  replaced_at_ms BIGINT NOT NULL,
  replaced_by TEXT NOT NULL
);
CREATE INDEX vault_attribute_history_person ON vault_attribute_history (person_id, name, version);

-- What each service declares it needs, per purpose, and on which legal basis.
CREATE TABLE vault_service_purposes (
  service_id TEXT NOT NULL,
  purpose TEXT NOT NULL,
  service_name TEXT NOT NULL,
  agency TEXT NOT NULL,
  purpose_label TEXT NOT NULL,
  legal_basis TEXT NOT NULL,
  attributes_json TEXT NOT NULL,
  updated_at_ms BIGINT NOT NULL,
  PRIMARY KEY (service_id, purpose)
);

CREATE TABLE vault_consents (
  id TEXT PRIMARY KEY,
  person_id TEXT NOT NULL REFERENCES vault_persons(id),
  service_id TEXT NOT NULL,
  purpose TEXT NOT NULL,
  attributes_json TEXT NOT NULL,
  channel TEXT NOT NULL,
  granted_by TEXT NOT NULL,
  granted_at_ms BIGINT NOT NULL,
  expires_at_ms BIGINT,
  revoked_at_ms BIGINT,
  revoked_by TEXT
);
CREATE INDEX vault_consents_lookup ON vault_consents (person_id, service_id, purpose);

-- Append-only, hash-chained: hash = BLAKE2b-256(prev_hash || canonical entry).
CREATE TABLE vault_access_log (
  seq BIGINT PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  time_ms BIGINT NOT NULL,
  person_id TEXT NOT NULL,
  actor_kind TEXT NOT NULL,
  actor_id TEXT NOT NULL,
  on_behalf_of TEXT NOT NULL DEFAULT '',
  action TEXT NOT NULL,
  attributes_json TEXT NOT NULL,
  purpose TEXT NOT NULL,
  legal_basis TEXT NOT NULL,
  service_id TEXT NOT NULL DEFAULT '',
  prev_hash BYTEA NOT NULL,
  hash BYTEA NOT NULL
);
CREATE INDEX vault_access_log_person ON vault_access_log (person_id, seq);

-- The chain's head, updated in the same transaction as each append: it serialises
-- appenders and lets `parcours audit verify` detect removed trailing entries.
CREATE TABLE vault_access_log_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq BIGINT NOT NULL,
  hash BYTEA NOT NULL
);
INSERT INTO vault_access_log_head (id, seq, hash) VALUES (1, 0, ''::bytea);

CREATE FUNCTION vault_access_log_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'vault_access_log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER vault_access_log_no_change BEFORE UPDATE OR DELETE ON vault_access_log
  FOR EACH ROW EXECUTE FUNCTION vault_access_log_append_only();
