import type { LogMigration } from 'llm-host';

/**
 * The trace tables. Every call is a row of `trace_nodes`; `trace_id` is the id of its tree's root
 * (whose `parent_id` is NULL), `position` its place among its siblings. `*_json` columns hold JSON
 * text (NULL: absent). `trace_node_responses` links a call to the `responses` it logged.
 */
export const TRACE_MIGRATIONS: readonly LogMigration[] = [
  {
    name: 'traces_001_tables',
    apply(db) {
      db.exec(`
CREATE TABLE [trace_nodes] (
   [id] TEXT PRIMARY KEY,
   [trace_id] TEXT NOT NULL,
   [parent_id] TEXT REFERENCES [trace_nodes]([id]),
   [position] INTEGER NOT NULL,
   [name] TEXT NOT NULL,
   [kind] TEXT NOT NULL,
   [model] TEXT,
   [arguments_json] TEXT,
   [context_json] TEXT,
   [result_json] TEXT,
   [error_json] TEXT,
   [hyperparameters_json] TEXT,
   [start_utc] TEXT NOT NULL,
   [end_utc] TEXT NOT NULL,
   [duration_ms] INTEGER NOT NULL
);
CREATE INDEX [idx_trace_nodes_trace_id] ON [trace_nodes] ([trace_id]);
CREATE INDEX [idx_trace_nodes_roots] ON [trace_nodes] ([start_utc]) WHERE [parent_id] IS NULL;
CREATE TABLE [trace_node_responses] (
   [node_id] TEXT NOT NULL REFERENCES [trace_nodes]([id]),
   [position] INTEGER NOT NULL,
   [response_id] TEXT NOT NULL,
   PRIMARY KEY ([node_id], [position])
);
CREATE INDEX [idx_trace_node_responses_response_id] ON [trace_node_responses] ([response_id]);`);
    },
  },
];
