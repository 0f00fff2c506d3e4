import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { PluginContext, TraceLogContext, TraceRecord } from 'llm-host';
import { saveTrace } from './store.js';

/**
 * The `logTrace` tap: writes a finished trace to the log database in one transaction, unless
 * logging is off (`llm logs off`, the Python llm's `logs-off` file) and not forced. A log that
 * cannot be written is a warning: the calls have already returned.
 */
export async function logTrace(trace: TraceRecord, log: TraceLogContext, context: PluginContext): Promise<void> {
  if (!log.force && existsSync(join(context.userDir, 'logs-off'))) return;
  try {
    await saveTrace(await log.logStore(), trace);
  } catch (error) {
    context.warn(`the trace ${trace.id} (${trace.name}) was not logged: ${error instanceof Error ? error.message : String(error)}`);
  }
}
