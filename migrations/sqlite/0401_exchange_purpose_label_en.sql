-- The purpose of an exchange service in English too ("" when the service gave none).
ALTER TABLE exchange_services ADD COLUMN purpose_label_en TEXT NOT NULL DEFAULT '';
