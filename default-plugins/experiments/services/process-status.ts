import { hostname } from 'node:os';

/** What the log says about the process that ran an experiment. */
export interface ExperimentProcess {
  readonly status: string;
  /** The process that ran it (null for experiments logged before llm-host recorded it). */
  readonly pid: number | null;
  /** The host that process ran on. */
  readonly host: string | null;
}

/**
 * An experiment's status as a reader should see it: one logged as `running` whose process is gone
 * (killed, crashed, the machine rebooted) is `interrupted`, as it never will finish. Only a
 * process on this host can be checked; elsewhere, or without a pid, the logged status stands.
 */
export function currentStatus(experiment: ExperimentProcess, thisHost: string = hostname()): string {
  if (experiment.status !== 'running' || experiment.pid === null || experiment.host !== thisHost) return experiment.status;
  return processAlive(experiment.pid) ? 'running' : 'interrupted';
}

/** The row with its status as a reader should see it (see currentStatus). */
export function withCurrentStatus<T extends ExperimentProcess>(row: T): T {
  const status = currentStatus(row);
  return status === row.status ? row : { ...row, status };
}

/** Whether a process with this id exists on this host (signal 0 checks without sending anything). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, and belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
