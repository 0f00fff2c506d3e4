// The little of better-sqlite3's and sql.js's APIs the engines use. Declared here rather than
// through @types packages: better-sqlite3 is optional, and only these calls are needed.

declare module 'better-sqlite3' {
  export interface Statement {
    run(...params: unknown[]): { changes: number };
    all(...params: unknown[]): unknown[];
    get(...params: unknown[]): unknown;
    iterate(...params: unknown[]): IterableIterator<unknown>;
  }
  export interface Database {
    prepare(sql: string): Statement;
    exec(sql: string): void;
    close(): void;
  }
  const Database: new (path: string, options?: { timeout?: number; fileMustExist?: boolean; nativeBinding?: string | object }) => Database;
  export default Database;
}

declare module 'sql.js' {
  export interface Statement {
    bind(params: unknown[]): boolean;
    step(): boolean;
    getAsObject(): Record<string, unknown>;
    free(): boolean;
  }
  export interface Database {
    exec(sql: string): unknown;
    run(sql: string, params?: unknown[]): Database;
    prepare(sql: string): Statement;
    getRowsModified(): number;
    export(): Uint8Array;
    close(): void;
  }
  export interface SqlJsStatic {
    Database: new (data?: Uint8Array) => Database;
  }
  const initSqlJs: (config?: Record<string, unknown>) => Promise<SqlJsStatic>;
  export default initSqlJs;
}
