-- Journeys read and write the person's situation in the vault (vault_attributes, sealed where
-- sensitive, with provenance and history): the journeys' own answer table goes. Its rows are
-- not copied: a SQL migration cannot seal the sensitive ones (income, disability) with the
-- vault's keys nor validate them, and no release ever wrote this table (see docs/VAULT.md,
-- "Journeys: situation and prefill").
DROP TABLE journey_answers;
