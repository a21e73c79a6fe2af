-- Issue 4: what the green list and the commitment checklist make configurable,
-- and what a spot-check draw must keep to be repeated by anyone.

-- 绿名单 orders must also be signed for within this share of their category's
-- sign-for limit (green_list_resolve_percent, seeded earlier, is the share of
-- the resolve limit). 100 keeps the category's limit; below 100 a one-day
-- limit becomes the same working day. An administrator changes both.
INSERT INTO settings (key, value) VALUES ('green_list_sign_percent', '100') ON CONFLICT (key) DO NOTHING;

-- the commitments a draw drew from (a JSON list of ids), recorded with its seed
-- so that re-running the draw over the same population reproduces it; draws
-- made before this change recorded only the population's size
ALTER TABLE spot_check_draws ADD COLUMN population_json TEXT;
