-- 0001: the core data model (design brief, "Data model").
-- Applied once by the migrate step, recorded in schema_migrations.

CREATE TABLE org_units (
    code          text PRIMARY KEY CHECK (code ~ '^[a-z0-9][a-z0-9-]{0,63}$'),
    name          text NOT NULL,
    level         text NOT NULL CHECK (level IN ('england','region','icb','place','pcn','practice','ward')),
    parent        text REFERENCES org_units (code),
    ons_code      text,
    list_size     integer CHECK (list_size >= 0),
    imd_quintile  smallint CHECK (imd_quintile BETWEEN 1 AND 5),
    synthetic     boolean NOT NULL DEFAULT false
);
CREATE INDEX org_units_parent ON org_units (parent);

CREATE TABLE breakdowns (
    code       text PRIMARY KEY,
    dimension  text NOT NULL,
    name       text NOT NULL,
    rank       smallint
);

CREATE TABLE partners (
    code        text PRIMARY KEY CHECK (code ~ '^[a-z0-9][a-z0-9-]{0,63}$'),
    name        text NOT NULL,
    active      boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Where a partner may report: an org unit, optionally with its descendants,
-- limited to some levels.
CREATE TABLE partner_scopes (
    partner      text NOT NULL REFERENCES partners (code) ON DELETE CASCADE,
    org_unit     text NOT NULL REFERENCES org_units (code),
    descendants  boolean NOT NULL DEFAULT false,
    levels       text[],
    PRIMARY KEY (partner, org_unit)
);

CREATE TABLE data_elements (
    code        text PRIMARY KEY CHECK (length(code) <= 64),
    name        text NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('fraction','count','value')),
    value_unit  text,
    frequency   text NOT NULL,
    partner     text REFERENCES partners (code)
);

-- What a partner may send: its own data elements, or (data_element NULL)
-- every data element, as a comparator publisher does.
CREATE TABLE partner_grants (
    partner       text NOT NULL REFERENCES partners (code) ON DELETE CASCADE,
    data_element  text REFERENCES data_elements (code) ON DELETE CASCADE,
    UNIQUE NULLS NOT DISTINCT (partner, data_element)
);

CREATE TABLE api_keys (
    id          bigserial PRIMARY KEY,
    key_hash    bytea NOT NULL UNIQUE,
    prefix      text NOT NULL,
    role        text NOT NULL CHECK (role IN ('partner','subscriber','reader','admin')),
    partner     text REFERENCES partners (code),
    label       text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz,
    CHECK ((role = 'partner') = (partner IS NOT NULL))
);

CREATE SEQUENCE batch_commit_seq;

CREATE TABLE batches (
    id            bigserial PRIMARY KEY,
    partner       text NOT NULL REFERENCES partners (code),
    batch_key     text NOT NULL CHECK (length(batch_key) BETWEEN 1 AND 200),
    received_at   timestamptz NOT NULL DEFAULT now(),
    format        text NOT NULL CHECK (format IN ('protobuf','json','csv')),
    atomic        boolean NOT NULL DEFAULT false,
    content_hash  bytea NOT NULL,
    accepted      integer NOT NULL DEFAULT 0,
    rejected      integer NOT NULL DEFAULT 0,
    new_count     integer NOT NULL DEFAULT 0,
    revised_count integer NOT NULL DEFAULT 0,
    unchanged_count integer NOT NULL DEFAULT 0,
    receipt       jsonb,
    commit_seq    bigint NOT NULL UNIQUE DEFAULT nextval('batch_commit_seq'),
    UNIQUE (partner, batch_key)
);

-- Every figure ever received; the latest batch's row for a key is current,
-- earlier ones stay as history.
CREATE TABLE observations (
    id            bigserial PRIMARY KEY,
    batch_id      bigint NOT NULL REFERENCES batches (id),
    data_element  text NOT NULL REFERENCES data_elements (code),
    org_unit      text NOT NULL REFERENCES org_units (code),
    period        text NOT NULL,
    period_type   text NOT NULL,
    period_start  date NOT NULL,
    period_end    date NOT NULL,
    breakdown     text NOT NULL DEFAULT 'total' REFERENCES breakdowns (code),
    numerator     double precision,
    denominator   double precision,
    value         double precision,
    ci_low        double precision,
    ci_high       double precision,
    status        text NOT NULL DEFAULT 'final'
                  CHECK (status IN ('final','provisional','not_available','snapshot')),
    snapshot_date date,
    assessment    text,
    note          text,
    current       boolean NOT NULL DEFAULT true,
    received_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX observations_current_key
    ON observations (data_element, org_unit, period, breakdown) WHERE current;
CREATE INDEX observations_history ON observations (data_element, org_unit, period, breakdown, id);
CREATE INDEX observations_batch ON observations (batch_id);

CREATE TABLE indicators (
    code            text PRIMARY KEY,
    name            text NOT NULL,
    domain          text NOT NULL,
    owner           text NOT NULL,
    unit            text NOT NULL,
    calculation     text NOT NULL CHECK (calculation IN ('proportion','rate','count','mean','published')),
    multiplier      double precision NOT NULL DEFAULT 1,
    data_element    text NOT NULL REFERENCES data_elements (code),
    polarity        text NOT NULL CHECK (polarity IN ('higher_better','lower_better','neutral')),
    frequency       text NOT NULL,
    due_lag_days    integer NOT NULL DEFAULT 45,
    benchmark       text,
    aggregates      boolean NOT NULL DEFAULT false,
    level           text,
    breakdowns      text[] NOT NULL DEFAULT '{total}',
    source          jsonb,
    notes           text,
    definition      jsonb NOT NULL
);
CREATE INDEX indicators_data_element ON indicators (data_element);

-- Targets change: each applies from a period's start.
CREATE TABLE indicator_targets (
    indicator    text NOT NULL REFERENCES indicators (code) ON DELETE CASCADE,
    from_period  text NOT NULL,
    from_date    date NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('min','max','range','zero')),
    value        double precision,
    lower        double precision,
    upper        double precision,
    tolerance    double precision,
    text         text,
    PRIMARY KEY (indicator, from_date)
);

CREATE SEQUENCE indicator_change_seq;

CREATE TABLE indicator_values (
    indicator      text NOT NULL REFERENCES indicators (code) ON DELETE CASCADE,
    org_unit       text NOT NULL REFERENCES org_units (code),
    period         text NOT NULL,
    breakdown      text NOT NULL DEFAULT 'total',
    period_type    text NOT NULL,
    period_start   date NOT NULL,
    period_end     date NOT NULL,
    numerator      double precision,
    denominator    double precision,
    value          double precision,
    ci_low         double precision,
    ci_high        double precision,
    status         text NOT NULL DEFAULT 'no_target',
    achievement    double precision,
    short_trend    text NOT NULL DEFAULT 'cannot_compare',
    annual_trend   text NOT NULL DEFAULT 'cannot_compare',
    benchmark      text NOT NULL DEFAULT 'not_compared',
    england_value  double precision,
    spc_variation  text,
    spc_assurance  text,
    spc_rule       text,
    spc_mean       double precision,
    spc_lcl        double precision,
    spc_ucl        double precision,
    spc_trial      boolean,
    assessment     text,
    note           text,
    change_seq     bigint NOT NULL DEFAULT nextval('indicator_change_seq'),
    computed_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (indicator, org_unit, period, breakdown)
);
CREATE INDEX indicator_values_change ON indicator_values (change_seq);
CREATE INDEX indicator_values_series ON indicator_values (indicator, org_unit, breakdown, period_end);

-- Which committed batches calc has processed: on start it processes every
-- committed batch not in here, so a lost notification loses nothing.
CREATE TABLE calc_processed (
    batch_id      bigint PRIMARY KEY REFERENCES batches (id),
    processed_at  timestamptz NOT NULL DEFAULT now()
);

-- High-water marks of consumers that read a change stream.
CREATE TABLE consumer_offsets (
    consumer    text PRIMARY KEY,
    position    bigint NOT NULL DEFAULT 0,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE alert_rules (
    code             text PRIMARY KEY,
    kind             text NOT NULL,
    severity         text NOT NULL CHECK (severity IN ('info','warning','critical')),
    params           jsonb NOT NULL DEFAULT '{}',
    repeat_interval  interval
);

CREATE TABLE alerts (
    id             bigserial PRIMARY KEY,
    rule           text NOT NULL REFERENCES alert_rules (code),
    indicator      text NOT NULL DEFAULT '',
    org_unit       text NOT NULL DEFAULT '',
    breakdown      text NOT NULL DEFAULT 'total',
    state          text NOT NULL CHECK (state IN ('firing','resolved')),
    period         text,
    payload        jsonb,
    fired_at       timestamptz NOT NULL DEFAULT now(),
    resolved_at    timestamptz,
    last_notified  timestamptz,
    UNIQUE (rule, indicator, org_unit, breakdown)
);

CREATE TABLE alert_transitions (
    id        bigserial PRIMARY KEY,
    alert_id  bigint NOT NULL REFERENCES alerts (id),
    kind      text NOT NULL CHECK (kind IN ('fired','resolved','repeated')),
    at        timestamptz NOT NULL DEFAULT now(),
    payload   jsonb NOT NULL
);

CREATE TABLE silences (
    id          bigserial PRIMARY KEY,
    matcher     text NOT NULL,
    until       timestamptz NOT NULL,
    reason      text NOT NULL,
    created_by  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE subscriptions (
    id          bigserial PRIMARY KEY,
    subscriber  text NOT NULL,
    filter      jsonb NOT NULL DEFAULT '{}',
    channel     text NOT NULL CHECK (channel IN ('webhook','zmq')),
    url         text,
    secret      text,
    active      boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (channel <> 'webhook' OR (url IS NOT NULL AND secret IS NOT NULL))
);

-- The outbox: one row per (transition, subscription), delivered at least
-- once under its delivery id.
CREATE TABLE notifications (
    id               bigserial PRIMARY KEY,
    delivery_id      uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    transition_id    bigint NOT NULL REFERENCES alert_transitions (id),
    subscription_id  bigint NOT NULL REFERENCES subscriptions (id),
    state            text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','delivered','dead')),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    delivered_at     timestamptz,
    UNIQUE (transition_id, subscription_id)
);
CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE state = 'pending';
