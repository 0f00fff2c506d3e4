import type { SqlDatabase, SqlValue } from 'llm-host';

/** What merging one log added, table by table. */
export interface MergeCount {
  readonly source: string;
  /** Rows added, by table (tables that gained nothing are left out). */
  readonly added: Readonly<Record<string, number>>;
  /** Rows left out because the target has the same thing under another id, by table. */
  readonly skipped: Readonly<Record<string, number>>;
}

/**
 * Rows that are the same thing whatever their id: an experiment's run of one index. Two logs can
 * hold the same run index of one experiment under two ids (a shard run twice); the target keeps
 * its own, and the other is left out with everything that refers to it.
 */
const SAME_ROW_WHEN: Readonly<Record<string, readonly string[]>> = {
  experiment_runs: ['experiment_id', 'run_index'],
};

/**
 * Tables never copied: migration records (the target has its own), and summaries derived from
 * other rows (an experiment's statistics, which describe the source's runs, not the merged ones).
 */
const NOT_COPIED = new Set(['_llm_migrations', '_sqlite_migrations', 'experiment_summaries']);

interface ForeignKey {
  readonly column: string;
  readonly table: string;
  readonly to: string;
}

interface TablePlan {
  readonly name: string;
  /** The columns both logs have. */
  readonly columns: readonly string[];
  /** The primary key's columns in the target. */
  readonly primaryKey: readonly string[];
  /** An INTEGER PRIMARY KEY: ids differ from log to log, so rows are matched by `naturalKey`. */
  readonly surrogate: boolean;
  /** What identifies a row besides a surrogate id: a unique index, else every other column. */
  readonly naturalKey: readonly string[];
  readonly foreignKeys: readonly ForeignKey[];
}

/**
 * Copies into `target` every row of `source` that the target lacks, table by table, in an order
 * where referenced tables come first. Rows with text ids (ULIDs, hashes) are copied as they are
 * (`INSERT OR IGNORE`: a row there already is kept); rows of tables with integer ids (fragments,
 * tools, prompt versions...) are matched by what identifies them (their unique index, else all
 * their columns) and get the target's id, and the rows that refer to them are changed to match.
 * Only tables and columns both logs have are copied; indexes and full-text search follow from
 * the target's own triggers. Merging the same log again adds nothing. The caller runs it in one
 * transaction.
 */
export function mergeLog(target: SqlDatabase, source: SqlDatabase, sourceName: string): MergeCount {
  const plans = planTables(target, source);
  /** Integer ids in the source -> in the target, by table. */
  const idMaps = new Map<string, Map<SqlValue, SqlValue>>();
  /** Ids of rows left out, by table: the rows that refer to them are left out too. */
  const leftOut = new Map<string, Set<SqlValue>>();
  const added: Record<string, number> = {};
  const skipped: Record<string, number> = {};
  const count = (into: Record<string, number>, table: string) => (into[table] = (into[table] ?? 0) + 1);

  for (const plan of plans) {
    const quoted = plan.columns.map(quote).join(', ');
    const refs = plan.foreignKeys.filter((fk) => plan.columns.includes(fk.column));
    const idColumn = plan.primaryKey.length === 1 ? plan.primaryKey[0]! : undefined;
    const sameWhen = SAME_ROW_WHEN[plan.name]?.filter((c) => plan.columns.includes(c));
    const insertColumns = plan.surrogate ? plan.columns.filter((c) => c !== idColumn) : plan.columns;
    const insert = `INSERT OR IGNORE INTO ${quote(plan.name)} (${insertColumns.map(quote).join(', ')}) VALUES (${insertColumns.map(() => '?').join(', ')})`;
    const findNatural = `SELECT ${idColumn ? quote(idColumn) : '1'} AS [id] FROM ${quote(plan.name)} WHERE ${plan.naturalKey.map((c) => `${quote(c)} IS ?`).join(' AND ')} LIMIT 1`;
    const ids = new Map<SqlValue, SqlValue>();
    const out = new Set<SqlValue>();

    rows: for (const original of source.iterate<Record<string, SqlValue>>(`SELECT ${quoted} FROM ${quote(plan.name)}`)) {
      const row = { ...original };
      for (const fk of refs) {
        const value = row[fk.column];
        if (value === null || value === undefined) continue;
        if (leftOut.get(fk.table)?.has(value)) {
          if (idColumn) out.add(original[idColumn] ?? null);
          count(skipped, plan.name);
          continue rows;
        }
        const mapped = idMaps.get(fk.table)?.get(value);
        if (mapped !== undefined) row[fk.column] = mapped;
      }
      if (plan.surrogate) {
        const existing = target.get<{ id: SqlValue }>(findNatural, plan.naturalKey.map((c) => row[c] ?? null));
        if (existing) {
          ids.set(original[idColumn!] ?? null, existing.id);
          continue;
        }
        target.run(insert, insertColumns.map((c) => row[c] ?? null));
        ids.set(original[idColumn!] ?? null, target.get<{ id: SqlValue }>('SELECT last_insert_rowid() AS [id]')!.id);
        count(added, plan.name);
        continue;
      }
      if (sameWhen && sameWhen.length > 0 && idColumn) {
        const other = target.get<{ id: SqlValue }>(
          `SELECT ${quote(idColumn)} AS [id] FROM ${quote(plan.name)} WHERE ${sameWhen.map((c) => `${quote(c)} IS ?`).join(' AND ')} LIMIT 1`,
          sameWhen.map((c) => row[c] ?? null),
        );
        if (other && other.id !== row[idColumn]) {
          out.add(row[idColumn] ?? null);
          count(skipped, plan.name);
          continue;
        }
      }
      if (plan.primaryKey.length === 0) {
        // No key: a row is there already when every column matches.
        if (target.get(findNatural, plan.naturalKey.map((c) => row[c] ?? null))) continue;
      }
      if (target.run(insert, insertColumns.map((c) => row[c] ?? null)) > 0) count(added, plan.name);
    }
    if (ids.size > 0) idMaps.set(plan.name, ids);
    if (out.size > 0) leftOut.set(plan.name, out);
  }
  return { source: sourceName, added, skipped };
}

/** The tables both logs have, each with what merging it needs, referenced tables first. */
function planTables(target: SqlDatabase, source: SqlDatabase): TablePlan[] {
  const sourceTables = new Set(ordinaryTables(source));
  const plans = new Map<string, TablePlan>();
  for (const name of ordinaryTables(target)) {
    if (!sourceTables.has(name) || NOT_COPIED.has(name)) continue;
    const info = target.all<{ name: string; type: string; pk: number }>(`PRAGMA table_info(${quote(name)})`);
    const sourceColumns = new Set(source.all<{ name: string }>(`PRAGMA table_info(${quote(name)})`).map((c) => c.name));
    const columns = info.map((c) => c.name).filter((c) => sourceColumns.has(c));
    const primaryKey = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
    const surrogate = primaryKey.length === 1 && info.find((c) => c.name === primaryKey[0])!.type.toUpperCase() === 'INTEGER';
    const unique = target
      .all<{ name: string; unique: number; origin: string }>(`PRAGMA index_list(${quote(name)})`)
      .filter((index) => index.unique === 1 && index.origin !== 'pk')
      .map((index) => target.all<{ name: string }>(`PRAGMA index_info(${quote(index.name)})`).map((c) => c.name))
      .find((key) => key.length > 0 && key.every((c) => columns.includes(c)));
    const naturalKey = unique ?? columns.filter((c) => !(surrogate && c === primaryKey[0]));
    const foreignKeys = target
      .all<{ table: string; from: string; to: string | null }>(`PRAGMA foreign_key_list(${quote(name)})`)
      .map((fk) => ({ column: fk.from, table: fk.table, to: fk.to ?? 'rowid' }));
    plans.set(name, { name, columns, primaryKey, surrogate, naturalKey, foreignKeys });
  }
  // Referenced tables first (a table's references to itself do not count).
  const ordered: TablePlan[] = [];
  const visiting = new Set<string>();
  const visit = (plan: TablePlan) => {
    if (ordered.includes(plan) || visiting.has(plan.name)) return;
    visiting.add(plan.name);
    for (const fk of plan.foreignKeys) {
      const parent = plans.get(fk.table);
      if (parent && parent !== plan) visit(parent);
    }
    ordered.push(plan);
  };
  for (const plan of plans.values()) visit(plan);
  return ordered;
}

/** Ordinary tables: not SQLite's own, not virtual tables (FTS) nor their shadow tables. */
function ordinaryTables(db: SqlDatabase): string[] {
  const rows = db.all<{ name: string; sql: string | null }>("SELECT [name], [sql] FROM [sqlite_master] WHERE [type] = 'table' AND [name] NOT LIKE 'sqlite_%'");
  const virtual = rows.filter((row) => /^CREATE VIRTUAL TABLE/i.test(row.sql ?? '')).map((row) => row.name);
  return rows.map((row) => row.name).filter((name) => !virtual.some((v) => name === v || name.startsWith(`${v}_`)));
}

function quote(name: string): string {
  return `[${name.replace(/]/g, ']]')}]`;
}
