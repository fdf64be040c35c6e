-- Exchange with agencies: the service registry, declarations and their transactional outbox
-- (include/parcours/exchange/*.h). Timestamps are BIGINT milliseconds since the Unix epoch.
CREATE TABLE exchange_services (
  id TEXT PRIMARY KEY,
  organisation TEXT NOT NULL,
  name_fr TEXT NOT NULL,
  name_en TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  purpose TEXT NOT NULL,
  purpose_label TEXT NOT NULL,
  legal_basis TEXT NOT NULL,
  attributes TEXT NOT NULL,
  expected_delay_days INTEGER NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1,
  secret TEXT NOT NULL,
  updated_ms BIGINT NOT NULL
);

CREATE TABLE exchange_bundles (
  id TEXT PRIMARY KEY,
  title_fr TEXT NOT NULL,
  title_en TEXT NOT NULL,
  services TEXT NOT NULL
);

CREATE TABLE exchange_requests (
  id TEXT PRIMARY KEY,
  person_id TEXT NOT NULL,
  bundle_id TEXT NOT NULL,
  idempotency_key TEXT,
  actor TEXT NOT NULL,
  channel TEXT NOT NULL,
  created_ms BIGINT NOT NULL
);
CREATE UNIQUE INDEX exchange_requests_idempotency ON exchange_requests (person_id, idempotency_key);
CREATE INDEX exchange_requests_person ON exchange_requests (person_id, id);

CREATE TABLE exchange_deliveries (
  id TEXT PRIMARY KEY,
  request_id TEXT NOT NULL REFERENCES exchange_requests (id),
  service_id TEXT NOT NULL REFERENCES exchange_services (id),
  person_id TEXT NOT NULL,
  attributes TEXT NOT NULL,
  payload_key_id TEXT NOT NULL DEFAULT '',
  payload BLOB,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms BIGINT NOT NULL,
  lease_until_ms BIGINT NOT NULL DEFAULT 0,
  last_error TEXT,
  delivered_ms BIGINT,
  agency_status TEXT NOT NULL DEFAULT 'envoyee',
  agency_message TEXT,
  agency_reference TEXT,
  created_ms BIGINT NOT NULL,
  updated_ms BIGINT NOT NULL
);
CREATE INDEX exchange_deliveries_due ON exchange_deliveries (state, next_attempt_ms);
CREATE INDEX exchange_deliveries_request ON exchange_deliveries (request_id);

-- Life-event signals already accepted (CloudEvents are unique by source and id).
CREATE TABLE exchange_signals (
  source TEXT NOT NULL,
  id TEXT NOT NULL,
  organisation TEXT NOT NULL,
  type TEXT NOT NULL,
  person_id TEXT NOT NULL,
  received_ms BIGINT NOT NULL,
  event_id TEXT NOT NULL,
  PRIMARY KEY (source, id)
);
