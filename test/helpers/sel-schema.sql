-- SEL's tables as far as API keys touch them (sel-api-contract.md §4.4, the final state after
-- all migrations). `api_keys` is exact; `sources` and `developers` keep only what keys need.
CREATE TABLE sources (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  name TEXT NOT NULL,
  source_type TEXT NOT NULL DEFAULT 'scraper'
    CHECK (source_type IN ('scraper', 'api', 'partner', 'user', 'federation', 'manual')),
  base_url TEXT,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE developers (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  email TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL DEFAULT '',
  max_keys INTEGER NOT NULL DEFAULT 5,
  is_active BOOLEAN NOT NULL DEFAULT true,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  last_login_at TIMESTAMPTZ
);

CREATE TABLE api_keys (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  prefix TEXT NOT NULL UNIQUE,
  key_hash TEXT NOT NULL,
  hash_version INTEGER NOT NULL DEFAULT 2,
  name TEXT NOT NULL,
  source_id UUID REFERENCES sources (id),
  role TEXT NOT NULL DEFAULT 'agent' CONSTRAINT api_keys_role_check CHECK (role IN ('agent', 'admin')),
  rate_limit_tier TEXT NOT NULL DEFAULT 'agent',
  is_active BOOLEAN NOT NULL DEFAULT true,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  last_used_at TIMESTAMPTZ,
  expires_at TIMESTAMPTZ,
  developer_id UUID REFERENCES developers (id)
);

CREATE INDEX idx_api_keys_active ON api_keys (is_active, expires_at);
CREATE INDEX idx_api_keys_source ON api_keys (source_id, is_active);
CREATE INDEX idx_api_keys_developer ON api_keys (developer_id) WHERE developer_id IS NOT NULL;
