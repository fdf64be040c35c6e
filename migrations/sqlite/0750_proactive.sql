-- Proactive services (module proactive): the offers made to a person for an entitlement they
-- are eligible to and have not claimed (one per person and entitlement, whatever its fate:
-- a declined offer is never made again), and the cursor of the trigger worker reading the
-- event log. See docs/ARCHITECTURE.md (proactive) and catalog/entitlements.yaml.
CREATE TABLE proactive_offers (
  id TEXT PRIMARY KEY,
  person_id TEXT NOT NULL,
  entitlement_id TEXT NOT NULL,
  status TEXT NOT NULL,            -- proposee | acceptee | refusee
  origin TEXT NOT NULL,            -- trigger | campaign
  amount REAL,                     -- euros, when the entitlement has an amount rule
  amount_text TEXT NOT NULL,       -- the engine's formatted amount ("1 084,43 €"), may be ''
  explanation TEXT NOT NULL,       -- the engine's explanation of the eligibility, at offer time
  journey_id TEXT,                 -- the journey started or continued on acceptance
  created_ms BIGINT NOT NULL,
  decided_ms BIGINT,
  UNIQUE (person_id, entitlement_id)
);
CREATE INDEX proactive_offers_entitlement ON proactive_offers (entitlement_id, status);

CREATE TABLE proactive_cursor (
  name TEXT PRIMARY KEY,
  last_id TEXT NOT NULL,
  updated_ms BIGINT NOT NULL
);
