import type { BatchState, LogStore } from 'llm-host';
import { utcNow } from '../core.js';

/** A batch an experiment submitted, as logged in `experiment_batches`. */
export interface BatchRow {
  readonly id: string;
  readonly step: number;
  /** Where the API is (a base URL). */
  readonly api: string;
  readonly model: string;
  readonly requests: number;
  readonly inputFileId: string;
  readonly status: string;
}

/** The experiment's batches in the log: written as they are submitted and as their status changes. */
export class BatchLog {
  constructor(
    private readonly store: LogStore,
    private readonly experimentId: string,
  ) {}

  /** Records a batch just created; resolves once it is in the log. */
  async add(row: BatchRow): Promise<void> {
    await this.store.append([
      [
        `INSERT OR REPLACE INTO [experiment_batches] ([id], [experiment_id], [step], [api], [model], [requests], [input_file_id], [status], [created_at])
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [row.id, this.experimentId, row.step, row.api, row.model, row.requests, row.inputFileId, row.status, utcNow()],
      ],
    ]);
  }

  /** Records a batch's status, files and counts (`ended`: it changes no more). */
  async update(state: BatchState, ended: boolean): Promise<void> {
    await this.store.append([
      [
        `UPDATE [experiment_batches] SET [status] = ?, [output_file_id] = ?, [error_file_id] = ?, [completed] = ?, [failed] = ?, [ended_at] = COALESCE([ended_at], ?)
WHERE [id] = ?`,
        [state.status, state.outputFileId ?? null, state.errorFileId ?? null, state.counts.completed, state.counts.failed, ended ? utcNow() : null, state.id],
      ],
    ]);
  }

  /** The experiment's batches, oldest first. */
  async load(): Promise<BatchRow[]> {
    const rows = await this.store.read((db) =>
      db.all<{ id: string; step: number; api: string; model: string; requests: number; input_file_id: string; status: string }>(
        'SELECT [id], [step], [api], [model], [requests], [input_file_id], [status] FROM [experiment_batches] WHERE [experiment_id] = ? ORDER BY [created_at], [id]',
        [this.experimentId],
      ),
    );
    return (rows ?? []).map((r) => ({ id: r.id, step: r.step, api: r.api, model: r.model, requests: r.requests, inputFileId: r.input_file_id, status: r.status }));
  }
}
