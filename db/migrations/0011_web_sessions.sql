-- 0011: sessions for people in a browser (the gateway's web pages). An API
-- key is exchanged once for a session; the browser holds a random token in
-- an HttpOnly, SameSite=Strict cookie and the database only its SHA-256,
-- like api_keys. The session acts with its key's role, and ends when it
-- expires, is signed out, or its key is revoked. csrf is the token every
-- form must carry back (a hidden field), so another site cannot post as
-- the person.
CREATE TABLE web_sessions (
    id          bigserial PRIMARY KEY,
    token_hash  text NOT NULL UNIQUE,
    key_id      bigint NOT NULL REFERENCES api_keys (id),
    csrf        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    ended_at    timestamptz
);
CREATE INDEX web_sessions_expires ON web_sessions (expires_at) WHERE ended_at IS NULL;
