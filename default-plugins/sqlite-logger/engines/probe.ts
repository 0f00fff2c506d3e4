/** Facts every engine reports about its SQLite build: the version, and whether it has FTS5. */
export const PROBE_SQL = "SELECT sqlite_version() AS version, sqlite_compileoption_used('ENABLE_FTS5') AS fts5";
