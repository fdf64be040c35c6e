-- Identity, sessions and authorisation (module auth). Secrets are never stored in clear:
-- session ids, API keys and authorisation-flow states are kept as SHA-256 hex digests,
-- passwords as argon2id hashes. Timestamps are BIGINT milliseconds since the Unix epoch.

-- A person or an operator who can log in.
CREATE TABLE auth_users (
  id TEXT PRIMARY KEY,
  display_name TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  person_id TEXT NOT NULL DEFAULT '',      -- the vault person of a usager
  created_at_ms BIGINT NOT NULL,
  disabled_at_ms BIGINT
);

-- Roles, each within an organisation ('' = not bound to one).
CREATE TABLE auth_user_roles (
  user_id TEXT NOT NULL REFERENCES auth_users(id),
  role TEXT NOT NULL,
  organisation_id TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (user_id, role, organisation_id)
);

-- Links an OpenID Connect subject (per provider) to a user; the last verified claims.
CREATE TABLE auth_identities (
  provider TEXT NOT NULL,
  subject TEXT NOT NULL,
  user_id TEXT NOT NULL REFERENCES auth_users(id),
  claims TEXT NOT NULL DEFAULT '{}',
  acr TEXT NOT NULL DEFAULT '',
  updated_at_ms BIGINT NOT NULL,
  PRIMARY KEY (provider, subject)
);
CREATE INDEX auth_identities_user ON auth_identities (user_id);

-- Local accounts (agents): argon2id password, optional TOTP, lockout counters.
CREATE TABLE auth_local_accounts (
  user_id TEXT PRIMARY KEY REFERENCES auth_users(id),
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  totp_secret BYTEA,
  totp_last_step BIGINT NOT NULL DEFAULT 0,
  failed_attempts INTEGER NOT NULL DEFAULT 0,
  locked_until_ms BIGINT NOT NULL DEFAULT 0,
  last_login_ms BIGINT
);

-- Server-side sessions. id_hash = SHA-256 of the cookie value.
CREATE TABLE auth_sessions (
  id_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES auth_users(id),
  csrf_token TEXT NOT NULL,
  provider TEXT NOT NULL,
  acr TEXT NOT NULL DEFAULT '',
  id_token TEXT NOT NULL DEFAULT '',       -- kept for the provider's logout (id_token_hint)
  demo INTEGER NOT NULL DEFAULT 0,
  created_at_ms BIGINT NOT NULL,
  last_seen_ms BIGINT NOT NULL,
  expires_at_ms BIGINT NOT NULL            -- absolute expiry
);
CREATE INDEX auth_sessions_user ON auth_sessions (user_id);
CREATE INDEX auth_sessions_expiry ON auth_sessions (expires_at_ms);

-- OpenID Connect authorisation flows in progress (state, nonce, PKCE verifier); consumed once.
CREATE TABLE auth_oidc_flows (
  state_hash TEXT PRIMARY KEY,
  provider TEXT NOT NULL,
  nonce TEXT NOT NULL,
  code_verifier TEXT NOT NULL,
  return_to TEXT NOT NULL DEFAULT '/',
  created_at_ms BIGINT NOT NULL,
  expires_at_ms BIGINT NOT NULL
);

-- API keys of intégrateurs, scoped to an organisation and services. key_hash = SHA-256 of the
-- secret; prefix is the public, non-secret start shown in lists.
CREATE TABLE auth_api_keys (
  id TEXT PRIMARY KEY,
  prefix TEXT NOT NULL UNIQUE,
  key_hash TEXT NOT NULL,
  label TEXT NOT NULL DEFAULT '',
  organisation_id TEXT NOT NULL,
  services TEXT NOT NULL DEFAULT '[]',     -- JSON array of service ids
  created_by TEXT NOT NULL DEFAULT '',
  created_at_ms BIGINT NOT NULL,
  revoked_at_ms BIGINT,
  last_used_ms BIGINT
);

-- Mandates letting an aidant or an agent act for a person, time-limited and scoped.
CREATE TABLE auth_mandates (
  id TEXT PRIMARY KEY,
  holder_user_id TEXT NOT NULL REFERENCES auth_users(id),
  person_id TEXT NOT NULL,
  scopes TEXT NOT NULL DEFAULT '["*"]',    -- JSON array
  starts_at_ms BIGINT NOT NULL,
  ends_at_ms BIGINT NOT NULL,
  revoked_at_ms BIGINT,
  created_at_ms BIGINT NOT NULL
);
CREATE INDEX auth_mandates_holder ON auth_mandates (holder_user_id, ends_at_ms);
