import type { LogMigration } from 'llm-host';

/**
 * The experiments' tables in logs.db, added through the log's migrations (the experiments plugin
 * registers these with `registerLogMigrations`). Never change a released migration: add another.
 *
 * - `experiments`: one row per experiment run from the CLI or the library.
 * - `experiment_metrics`: the metrics an experiment scored, their direction and kind.
 * - `experiment_runs`: one row per execution: status, error, timing, input, output, free-form info.
 * - `experiment_metric_values`: a run's value of each metric (or why it has none).
 * - `prompt_versions`: every version of a named prompt function, with the version before it.
 * - `experiment_run_prompts`: which prompt versions a run used.
 * - `experiment_bots` / `experiment_run_bots`: the bots (model, system prompt, options) a run used.
 * - `experiment_run_responses`: the logged responses (`responses.id`) a run made, and what made them.
 *
 * Later migrations: `experiments_002_process` records the process (pid and host) that runs an
 * experiment, so that one whose process died shows as interrupted rather than running forever;
 * `experiments_003_pipeline_ms` keeps a run's pipeline time beside its total (`duration_ms`, now
 * metrics included; a run logged before has its pipeline time in both).
 * `experiments_004_shards`: `experiment_shards`, the slices (`--shard K/N`) of a sharded
 * experiment this log ran or merged, each with its own status; an experiment without rows there
 * ran whole. `experiments_005_cached_runs`: `experiment_runs.cached`, how many of a run's
 * responses came from the response cache (`--cache`). `experiments_006_batches`:
 * `experiment_batches`, the Batch API batches (`--batch`) an experiment submitted: their ids,
 * step, files, status and times, so that `resume` finds the ones still in flight.
 * `experiments_007_runs_index`: the index of an experiment's runs by run index also holds each
 * run's id and status, so `show` and `compare` count and join an experiment's runs from the index
 * alone, without reading the runs' rows (inputs, outputs); it replaces the narrower one.
 * `experiments_008_summaries`: `experiment_summaries`, an experiment's statistics (inputs, each
 * metric's moments overall and per input, runs per prompt version and bot) as JSON, with the
 * number of runs and the largest run rowid they cover: `show` and `compare` read it instead of every run
 * while those still match (see services/stored-statistics.ts). Derived data: `llm logs merge`
 * does not copy it.
 */
export const EXPERIMENT_MIGRATIONS: readonly LogMigration[] = [
  {
    name: 'experiments_001_tables',
    apply(db) {
      db.exec(`
CREATE TABLE [experiments] (
   [id] TEXT PRIMARY KEY,
   [name] TEXT NOT NULL,
   [description] TEXT,
   [file] TEXT,
   [info] TEXT,
   [executions] INTEGER NOT NULL,
   [concurrency] INTEGER NOT NULL,
   [timeout_ms] INTEGER,
   [status] TEXT NOT NULL,
   [started_at] TEXT NOT NULL,
   [finished_at] TEXT,
   [duration_ms] INTEGER,
   [llm_version] TEXT
);
CREATE INDEX [idx_experiments_name] ON [experiments] ([name], [id]);
CREATE TABLE [experiment_metrics] (
   [experiment_id] TEXT NOT NULL REFERENCES [experiments]([id]),
   [name] TEXT NOT NULL,
   [description] TEXT,
   [better] TEXT NOT NULL,
   [kind] TEXT,
   [position] INTEGER NOT NULL,
   PRIMARY KEY ([experiment_id], [name])
);
CREATE TABLE [experiment_runs] (
   [id] TEXT PRIMARY KEY,
   [experiment_id] TEXT NOT NULL REFERENCES [experiments]([id]),
   [run_index] INTEGER NOT NULL,
   [status] TEXT NOT NULL,
   [error] TEXT,
   [started_at] TEXT NOT NULL,
   [duration_ms] INTEGER NOT NULL,
   [input] TEXT,
   [output] TEXT,
   [info] TEXT
);
CREATE INDEX [idx_experiment_runs_experiment] ON [experiment_runs] ([experiment_id], [run_index]);
CREATE TABLE [experiment_metric_values] (
   [run_id] TEXT NOT NULL REFERENCES [experiment_runs]([id]),
   [metric] TEXT NOT NULL,
   [value] NUMERIC,
   [error] TEXT,
   PRIMARY KEY ([run_id], [metric])
);
CREATE TABLE [prompt_versions] (
   [id] INTEGER PRIMARY KEY AUTOINCREMENT,
   [name] TEXT NOT NULL,
   [hash] TEXT NOT NULL,
   [role] TEXT NOT NULL,
   [template] TEXT NOT NULL,
   [previous_hash] TEXT,
   [first_experiment_id] TEXT,
   [created_at] TEXT NOT NULL,
   UNIQUE ([name], [hash])
);
CREATE TABLE [experiment_run_prompts] (
   [run_id] TEXT NOT NULL REFERENCES [experiment_runs]([id]),
   [name] TEXT NOT NULL,
   [hash] TEXT NOT NULL,
   PRIMARY KEY ([run_id], [name], [hash])
);
CREATE TABLE [experiment_bots] (
   [id] TEXT PRIMARY KEY,
   [name] TEXT NOT NULL,
   [kind] TEXT NOT NULL,
   [model] TEXT NOT NULL,
   [system] TEXT,
   [options] TEXT NOT NULL,
   [schema] TEXT
);
CREATE TABLE [experiment_run_bots] (
   [run_id] TEXT NOT NULL REFERENCES [experiment_runs]([id]),
   [bot_id] TEXT NOT NULL REFERENCES [experiment_bots]([id]),
   PRIMARY KEY ([run_id], [bot_id])
);
CREATE TABLE [experiment_run_responses] (
   [run_id] TEXT NOT NULL REFERENCES [experiment_runs]([id]),
   [response_id] TEXT NOT NULL,
   [source] TEXT,
   [position] INTEGER NOT NULL,
   PRIMARY KEY ([run_id], [response_id])
);
CREATE INDEX [idx_experiment_run_responses_response] ON [experiment_run_responses] ([response_id]);`);
    },
  },
  {
    name: 'experiments_002_process',
    apply(db) {
      db.exec(`
ALTER TABLE [experiments] ADD COLUMN [pid] INTEGER;
ALTER TABLE [experiments] ADD COLUMN [host] TEXT;`);
    },
  },
  {
    name: 'experiments_003_pipeline_ms',
    apply(db) {
      db.exec(`
ALTER TABLE [experiment_runs] ADD COLUMN [pipeline_ms] INTEGER;
UPDATE [experiment_runs] SET [pipeline_ms] = [duration_ms];`);
    },
  },
  {
    name: 'experiments_004_shards',
    apply(db) {
      db.exec(`
CREATE TABLE [experiment_shards] (
   [experiment_id] TEXT NOT NULL REFERENCES [experiments]([id]),
   [shard] INTEGER NOT NULL,
   [shards] INTEGER NOT NULL,
   [status] TEXT NOT NULL,
   [started_at] TEXT NOT NULL,
   [finished_at] TEXT,
   PRIMARY KEY ([experiment_id], [shard])
);`);
    },
  },
  {
    // How many of a run's responses were answered from the log (--cache): NULL when none.
    name: 'experiments_005_cached_runs',
    apply(db) {
      db.exec('ALTER TABLE [experiment_runs] ADD COLUMN [cached] INTEGER;');
    },
  },
  {
    // The batches an experiment submitted (--batch): one row per batch, by the API's batch id.
    name: 'experiments_006_batches',
    apply(db) {
      db.exec(`
CREATE TABLE [experiment_batches] (
   [id] TEXT PRIMARY KEY,
   [experiment_id] TEXT NOT NULL REFERENCES [experiments]([id]),
   [step] INTEGER NOT NULL,
   [api] TEXT NOT NULL,
   [model] TEXT NOT NULL,
   [requests] INTEGER NOT NULL,
   [input_file_id] TEXT NOT NULL,
   [output_file_id] TEXT,
   [error_file_id] TEXT,
   [status] TEXT NOT NULL,
   [completed] INTEGER,
   [failed] INTEGER,
   [created_at] TEXT NOT NULL,
   [ended_at] TEXT
);
CREATE INDEX [idx_experiment_batches_experiment] ON [experiment_batches] ([experiment_id]);`);
    },
  },
  {
    name: 'experiments_007_runs_index',
    apply(db) {
      db.exec(`
CREATE INDEX [idx_experiment_runs_experiment_runs] ON [experiment_runs] ([experiment_id], [run_index], [id], [status]);
DROP INDEX [idx_experiment_runs_experiment];`);
    },
  },
  {
    name: 'experiments_008_summaries',
    apply(db) {
      db.exec(`
CREATE TABLE [experiment_summaries] (
   [experiment_id] TEXT PRIMARY KEY REFERENCES [experiments]([id]),
   [runs] INTEGER NOT NULL,
   [last_rowid] INTEGER NOT NULL,
   [format] INTEGER NOT NULL,
   [summary] TEXT NOT NULL
);`);
    },
  },
];
