-- Mandates that people control, and administration of accounts (module auth).
-- holder_code: the "code aidant" an aidant or a counter agent gives to the person who mandates
-- them (docs/ARCHITECTURE.md, auth); unique, created on first use.
ALTER TABLE auth_users ADD COLUMN holder_code TEXT;
CREATE UNIQUE INDEX auth_users_holder_code ON auth_users (holder_code);

-- Who granted and who revoked each mandate (the person, or "system" for demo data).
ALTER TABLE auth_mandates ADD COLUMN granted_by TEXT NOT NULL DEFAULT '';
ALTER TABLE auth_mandates ADD COLUMN revoked_by TEXT NOT NULL DEFAULT '';
CREATE INDEX auth_mandates_person ON auth_mandates (person_id, created_at_ms);
