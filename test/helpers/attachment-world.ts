import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { FakeOpenAIServer } from './fake-openai-server.js';
import { FileServer } from './file-server.js';
import { TEST_KEY } from './openai-host.js';
import { runCli, type CliResult, type RunOptions } from './run-cli.js';
import { availableEngines, openDatabase } from './sqlite-engines.js';
import { tempDir } from './temp-dir.js';

const [engine] = await availableEngines(); // the one the CLI picks by default here

/** What the attachment and fragment e2e tests work in; fresh for each test. */
export interface AttachmentWorld {
  /** The fake OpenAI server (every request checked against OpenAI's schema). */
  readonly server: FakeOpenAIServer;
  /** A file server for URL attachments and fragments. */
  readonly files: FileServer;
  /** The user directory, which is also the working directory. */
  readonly dir: string;
  /** Runs the built CLI against the fake server. */
  run(args: string[], options?: RunOptions): Promise<CliResult>;
  /** Writes a file under `dir` (folders made as needed); returns its path. */
  write(name: string, content: string | Buffer): string;
  /** Rows of a query on the log. */
  query<T extends object>(sql: string): T[];
}

/** SHA-256 in hex, as the log's attachment ids and fragment hashes are. */
export const sha256 = (content: string | Buffer) => createHash('sha256').update(content).digest('hex');

/**
 * Sets up, for each test of the file, a user directory, the fake OpenAI server and a file server
 * on loopback; afterwards checks that the server saw no request that breaks OpenAI's schema.
 */
export function attachmentWorld(prefix: string): AttachmentWorld {
  let current: { server: FakeOpenAIServer; files: FileServer; dir: ReturnType<typeof tempDir> } | undefined;
  beforeEach(async () => {
    current = { server: await FakeOpenAIServer.start(), files: await FileServer.start(), dir: tempDir(prefix) };
  });
  afterEach(async () => {
    const { server, files, dir } = current!;
    expect(server.problems).toEqual([]);
    await server.close();
    await files.close();
    dir.remove();
  });
  return {
    get server() {
      return current!.server;
    },
    get files() {
      return current!.files;
    },
    get dir() {
      return current!.dir.path;
    },
    run(args, options = {}) {
      const env = { OPENAI_API_KEY: TEST_KEY, OPENAI_BASE_URL: current!.server.baseUrl, LLM_OPENAI_RETRY_DELAY: '0.001', ...options.env };
      return runCli(args, current!.dir.path, { ...options, env });
    },
    write(name, content) {
      const path = join(current!.dir.path, name);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
      return path;
    },
    query<T extends object>(sql: string): T[] {
      const db = openDatabase(engine!, join(current!.dir.path, 'logs.db'));
      try {
        return db.all<T>(sql);
      } finally {
        db.close();
      }
    },
  };
}
