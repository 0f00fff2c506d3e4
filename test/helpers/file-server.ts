import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One file the server offers. */
export interface ServedFile {
  readonly body: Buffer | string;
  readonly type?: string;
  /** HTTP status to answer with instead of 200 (e.g. 404). */
  readonly status?: number;
  /** Hold the answer this long before sending headers (to test timeouts). */
  readonly delayMs?: number;
}

/**
 * A static file server on 127.0.0.1 for URL attachments and fragments: serves `files` by path,
 * honours `Range: bytes=0-N` (as most servers do), and records every request.
 */
export class FileServer {
  /** Each request's method, path and Range header, in order. */
  readonly requests: { method: string; path: string; range: string | undefined }[] = [];

  private constructor(
    private readonly server: Server,
    /** `http://127.0.0.1:PORT` */
    readonly url: string,
    private readonly files: Map<string, ServedFile>,
  ) {}

  static async start(files: Record<string, ServedFile> = {}): Promise<FileServer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const fileServer = new FileServer(server, `http://127.0.0.1:${port}`, new Map(Object.entries(files)));
    server.on('request', (req, res) => void fileServer.serve(req, res));
    return fileServer;
  }

  /** Adds or replaces a file. */
  set(path: string, file: ServedFile): this {
    this.files.set(path, file);
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    const range = req.headers.range;
    this.requests.push({ method: req.method ?? '', path, range });
    const file = this.files.get(path);
    if (file?.delayMs) await new Promise((resolve) => setTimeout(resolve, file.delayMs));
    if (!file) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    const body = Buffer.isBuffer(file.body) ? file.body : Buffer.from(file.body);
    const headers = { 'content-type': file.type ?? 'application/octet-stream' };
    if (file.status) return void res.writeHead(file.status, headers).end(body);
    const match = /^bytes=(\d+)-(\d*)$/.exec(range ?? '');
    if (match) {
      const start = Number(match[1]);
      const end = Math.min(match[2] ? Number(match[2]) : body.length - 1, body.length - 1);
      res.writeHead(206, { ...headers, 'content-range': `bytes ${start}-${end}/${body.length}`, 'content-length': end - start + 1 });
      return void res.end(body.subarray(start, end + 1));
    }
    res.writeHead(200, { ...headers, 'content-length': body.length }).end(body);
  }
}
