-- A service's name and purpose in English too, for pages in English ("" when the service gave
-- none: pages then show the French).
ALTER TABLE vault_service_purposes ADD COLUMN service_name_en TEXT NOT NULL DEFAULT '';
ALTER TABLE vault_service_purposes ADD COLUMN purpose_label_en TEXT NOT NULL DEFAULT '';
