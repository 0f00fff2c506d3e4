import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One published version: its package.json fields and the tarball made by `npm pack`. */
export interface PublishedVersion {
  readonly name: string;
  readonly version: string;
  readonly tarball: string;
}

/**
 * A minimal npm registry on 127.0.0.1 for install tests: serves the packument (`GET /NAME`) and
 * tarballs (`GET /NAME/-/FILE.tgz`) of the versions it was given; anything else is a 404, as the
 * real registry answers for an unknown package. Point npm at it with `npm_config_registry`.
 */
export class FakeNpmRegistry {
  private server: Server | undefined;
  /** Every request path, in order. */
  readonly requests: string[] = [];

  constructor(private readonly versions: readonly PublishedVersion[]) {}

  /** The registry URL (with a trailing slash), once started. */
  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/`;
  }

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const path = decodeURIComponent(request.url ?? '/').replace(/^\//, '');
      this.requests.push(path);
      const tarball = this.versions.find((v) => path === `${v.name}/-/${fileName(v)}`);
      if (tarball) {
        response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(readFileSync(tarball.tarball));
        return;
      }
      const versions = this.versions.filter((v) => v.name === path);
      if (versions.length === 0) {
        response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not found"}');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(this.packument(path, versions)));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private packument(name: string, versions: readonly PublishedVersion[]) {
    const sorted = [...versions].sort((a, b) => a.version.localeCompare(b.version, undefined, { numeric: true }));
    return {
      name,
      'dist-tags': { latest: sorted[sorted.length - 1]!.version },
      versions: Object.fromEntries(
        sorted.map((v) => {
          const bytes = readFileSync(v.tarball);
          const manifest = { name: v.name, version: v.version, peerDependencies: { 'llm-host': '>=0.2.0' } };
          const dist = {
            tarball: `${this.url}${v.name}/-/${fileName(v)}`,
            shasum: createHash('sha1').update(bytes).digest('hex'),
            integrity: `sha512-${createHash('sha512').update(bytes).digest('base64')}`,
          };
          return [v.version, { ...manifest, dist }];
        }),
      ),
    };
  }
}

function fileName(version: PublishedVersion): string {
  return `${version.name.split('/').pop()}-${version.version}.tgz`;
}
