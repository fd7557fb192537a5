-- 0007: a subscription belongs to the API key that made it, not to the
-- free-text label a key carries (two keys may share a label, and
-- unlabelled keys all had "subscriber").  Existing subscriptions are
-- given to the one subscriber key with their label, when there is just
-- one; the rest stay with admins.
ALTER TABLE subscriptions ADD COLUMN owner_key bigint REFERENCES api_keys (id);
UPDATE subscriptions s SET owner_key = k.id
  FROM api_keys k
 WHERE k.role = 'subscriber' AND k.label = s.subscriber
   AND (SELECT count(*) FROM api_keys k2 WHERE k2.role = 'subscriber' AND k2.label = s.subscriber) = 1;
CREATE INDEX subscriptions_owner ON subscriptions (owner_key) WHERE active;

-- Who may speak on intake's ZMQ socket when CURVE is on: each partner's
-- CURVE public key (Z85) is registered to that partner, and intake's ZAP
-- handler maps the key a connection authenticated with to it.  A key with
-- no partner is a relay (the gateway), which may submit for any partner
-- because it has authenticated the partner's API key itself.
CREATE TABLE curve_keys (
    public_key  text PRIMARY KEY CHECK (length (public_key) = 40),
    partner     text REFERENCES partners (code),
    label       text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);
