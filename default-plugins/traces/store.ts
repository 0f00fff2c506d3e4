import { LlmError, type LogStore, type SqlDatabase, type TraceKind, type TraceRecord } from 'llm-host';

interface NodeRow {
  id: string;
  trace_id: string;
  parent_id: string | null;
  position: number;
  name: string;
  kind: string;
  model: string | null;
  arguments_json: string | null;
  context_json: string | null;
  result_json: string | null;
  error_json: string | null;
  hyperparameters_json: string | null;
  start_utc: string;
  end_utc: string;
  duration_ms: number;
}

/** A root call, as `llm traces list` shows it. */
export interface TraceSummary {
  readonly id: string;
  readonly name: string;
  readonly kind: string;
  readonly start: string;
  readonly durationMs: number;
  readonly ok: boolean;
  /** Calls in the tree, the root included. */
  readonly calls: number;
  readonly responses: number;
  /** The models the tree's calls asked. */
  readonly models: readonly string[];
}

/** Writes a whole tree in one transaction (one file write on sql.js). */
export async function saveTrace(store: LogStore, trace: TraceRecord): Promise<void> {
  await store.write((db) => insertNode(db, trace, trace.id, null, 0));
}

function insertNode(db: SqlDatabase, node: TraceRecord, traceId: string, parentId: string | null, position: number): void {
  const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));
  db.run(
    `INSERT INTO trace_nodes (id, trace_id, parent_id, position, name, kind, model, arguments_json, context_json, result_json,
       error_json, hyperparameters_json, start_utc, end_utc, duration_ms)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      node.id,
      traceId,
      parentId,
      position,
      node.name,
      node.kind,
      node.model ?? null,
      json(node.arguments),
      json(node.context),
      json(node.result),
      json(node.error),
      json(node.hyperparameters),
      node.start,
      node.end,
      node.durationMs,
    ],
  );
  node.responses.forEach((responseId, index) => {
    db.run('INSERT INTO trace_node_responses (node_id, position, response_id) VALUES (?, ?, ?)', [node.id, index, responseId]);
  });
  node.children.forEach((child, index) => insertNode(db, child, traceId, node.id, index));
}

/** The newest root calls first (`count` 0: all), optionally only those with this name. */
export function listTraces(db: SqlDatabase, options: { count: number; name?: string | undefined }): TraceSummary[] {
  const where = options.name === undefined ? '' : 'AND r.name = ?';
  const params = [...(options.name === undefined ? [] : [options.name]), options.count > 0 ? options.count : -1];
  const rows = db.all<{ id: string; name: string; kind: string; start_utc: string; duration_ms: number; failed: number; calls: number; responses: number; models: string | null }>(
    `SELECT r.id, r.name, r.kind, r.start_utc, r.duration_ms, r.error_json IS NOT NULL AS failed,
       (SELECT count(*) FROM trace_nodes n WHERE n.trace_id = r.id) AS calls,
       (SELECT count(*) FROM trace_node_responses x JOIN trace_nodes n ON n.id = x.node_id WHERE n.trace_id = r.id) AS responses,
       (SELECT group_concat(model, char(10)) FROM (SELECT DISTINCT n.model FROM trace_nodes n WHERE n.trace_id = r.id AND n.model IS NOT NULL ORDER BY n.model)) AS models
     FROM trace_nodes r
     WHERE r.parent_id IS NULL ${where}
     ORDER BY r.start_utc DESC, r.id DESC
     LIMIT ?`,
    params,
  );
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    kind: row.kind,
    start: row.start_utc,
    durationMs: Number(row.duration_ms),
    ok: !Number(row.failed),
    calls: Number(row.calls),
    responses: Number(row.responses),
    models: row.models ? row.models.split('\n') : [],
  }));
}

/**
 * The tree under the call with this id (a root's id gives the whole trace; any call's id gives
 * its subtree). A unique prefix of an id will do; none means the newest trace. Undefined when
 * there is no such call; an ambiguous prefix is an error listing the candidates.
 */
export function loadTrace(db: SqlDatabase, id: string | undefined): TraceRecord | undefined {
  let node: { id: string; trace_id: string } | undefined;
  if (id === undefined) {
    node = db.get('SELECT id, trace_id FROM trace_nodes WHERE parent_id IS NULL ORDER BY start_utc DESC, id DESC LIMIT 1');
  } else {
    const wanted = id.toLowerCase();
    node = db.get('SELECT id, trace_id FROM trace_nodes WHERE id = ?', [wanted]);
    if (!node) {
      const matches = db.all<{ id: string; trace_id: string }>("SELECT id, trace_id FROM trace_nodes WHERE id LIKE ? ESCAPE '\\' ORDER BY id LIMIT 6", [
        `${wanted.replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
      ]);
      if (matches.length > 1) {
        throw new LlmError(`'${id}' is the start of more than one trace id (${matches.slice(0, 5).map((m) => m.id).join(', ')}${matches.length > 5 ? ', ...' : ''}): give more of it`);
      }
      node = matches[0];
    }
  }
  if (!node) return undefined;
  const rows = db.all<NodeRow>('SELECT * FROM trace_nodes WHERE trace_id = ? ORDER BY parent_id, position', [node.trace_id]);
  const responses = db.all<{ node_id: string; response_id: string }>(
    `SELECT x.node_id, x.response_id FROM trace_node_responses x JOIN trace_nodes n ON n.id = x.node_id
     WHERE n.trace_id = ? ORDER BY x.node_id, x.position`,
    [node.trace_id],
  );
  const responsesOf = new Map<string, string[]>();
  for (const row of responses) responsesOf.set(row.node_id, [...(responsesOf.get(row.node_id) ?? []), row.response_id]);
  const childrenOf = new Map<string | null, NodeRow[]>();
  for (const row of rows) childrenOf.set(row.parent_id, [...(childrenOf.get(row.parent_id) ?? []), row]);
  const build = (row: NodeRow): TraceRecord => {
    const record: Record<string, unknown> = { id: row.id, name: row.name, kind: row.kind as TraceKind };
    if (row.model !== null) record.model = row.model;
    if (row.arguments_json !== null) record.arguments = JSON.parse(row.arguments_json);
    if (row.context_json !== null) record.context = JSON.parse(row.context_json);
    if (row.result_json !== null) record.result = JSON.parse(row.result_json);
    if (row.error_json !== null) record.error = JSON.parse(row.error_json);
    record.start = row.start_utc;
    record.end = row.end_utc;
    record.durationMs = Number(row.duration_ms);
    if (row.hyperparameters_json !== null) record.hyperparameters = JSON.parse(row.hyperparameters_json);
    record.responses = responsesOf.get(row.id) ?? [];
    record.children = (childrenOf.get(row.id) ?? []).sort((a, b) => Number(a.position) - Number(b.position)).map(build);
    return record as unknown as TraceRecord;
  };
  const found = rows.find((row) => row.id === node.id);
  return found ? build(found) : undefined;
}
