-- Insight (PostgreSQL): room in insight_cube's pages for the fold's updates. Every fold batch
-- upserts tens of thousands of rows, most of them changing n, total and hist only (no indexed
-- column): with free space on the page PostgreSQL updates them in place (heap-only tuples)
-- instead of writing a new index entry in both indexes. Applies to the pages written from now
-- on. (SQLite: the table is stored in its primary key's B-tree, see the SQLite migration.)
ALTER TABLE insight_cube SET (fillfactor = 80);
