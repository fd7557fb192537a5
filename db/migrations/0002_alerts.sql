-- 0002: default alert rules and what alert evaluation needs.

INSERT INTO alert_rules (code, kind, severity, params) VALUES
  ('off_target', 'off_target', 'warning', '{}'),
  ('outside_range', 'outside_range', 'critical', '{}'),
  ('deteriorating', 'deteriorating', 'warning', '{"worsening_periods": 3}'),
  ('worse_than_england', 'worse_than_england', 'warning', '{}'),
  ('data_missing', 'data_missing', 'warning', '{}'),
  ('batch_rejected_rows', 'batch_rejected_rows', 'info', '{}')
ON CONFLICT (code) DO NOTHING;

-- A transition muted by a silence is kept (and shown) but notifies no one.
ALTER TABLE alert_transitions ADD COLUMN silenced_by bigint REFERENCES silences (id);
ALTER TABLE alerts ADD COLUMN severity text NOT NULL DEFAULT 'warning';
CREATE INDEX alerts_state ON alerts (state);
CREATE INDEX subscriptions_active ON subscriptions (active);
-- The partner a subscription belongs to (batch_rejected_rows goes to it).
ALTER TABLE subscriptions ADD COLUMN partner text REFERENCES partners (code);
