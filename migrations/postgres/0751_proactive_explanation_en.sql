-- The explanation of an offer in English too, for English pages (module proactive); offers made
-- before keep '' and show the French one.
ALTER TABLE proactive_offers ADD COLUMN explanation_en TEXT NOT NULL DEFAULT '';
