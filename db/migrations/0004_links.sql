-- 0004: the secret that signs read-only report links (carewatch link),
-- made once by whichever binary first needs it.
CREATE TABLE signing_secrets (
    name        text PRIMARY KEY,
    secret      text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
