-- 0003: lookups of API keys by hash are the hot path of every request.
CREATE INDEX api_keys_active ON api_keys (key_hash) WHERE revoked_at IS NULL;
