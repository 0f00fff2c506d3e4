import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** One published version: its package.json fields and the tarball made by `npm pack`. */
export interface PublishedVersion {
  readonly name: string;
  readonly version: string;
  readonly tarball: string;
  /** package.json fields besides name and version (dependencies...); read from the tarball when absent. */
  readonly manifest?: Readonly<Record<string, unknown>>;
}

/** A package version known only by its lockfile entry: npm finds its tarball in its own cache by integrity. */
interface MirroredVersion {
  readonly name: string;
  readonly version: string;
  readonly integrity: string;
  readonly manifest: Readonly<Record<string, unknown>>;
}

/** The lockfile fields that are part of a version's manifest in a packument. */
const MANIFEST_FIELDS = ['dependencies', 'optionalDependencies', 'peerDependencies', 'peerDependenciesMeta', 'bin', 'engines', 'os', 'cpu', 'license', 'hasInstallScript'];

/**
 * A minimal npm registry on 127.0.0.1 for install tests: serves the packument (`GET /NAME`) and
 * tarballs (`GET /NAME/-/FILE.tgz`) of the versions it was given; anything else is a 404, as the
 * real registry answers for an unknown package. Point npm at it with `npm_config_registry`.
 *
 * `mirrorLockfile()` adds every package of a package-lock.json (the versions `npm ci` installed),
 * so `npm install` of a package that depends on them runs offline: npm resolves against these
 * versions and takes their tarballs from its cache, where `npm ci` put them (this registry serves
 * them from that cache too if npm asks).
 *
 * npm keeps packuments in its cache by URL, and `--prefer-offline` takes a cached one without
 * asking. A loopback port is used again by later registries that serve other versions (the
 * lockfile changed between runs), so each registry serves under a path of its own (`url` ends in
 * a random segment) and marks its packuments `no-store`: npm never answers one registry's
 * request with another's packument (which gave `ETARGET No matching version found for
 * commander@7` when an older cache entry at the same port knew only commander 5.1.0).
 */
export class FakeNpmRegistry {
  private server: Server | undefined;
  /** The first path segment of every URL this registry serves (see the class comment). */
  private readonly root = randomBytes(8).toString('hex');
  private readonly mirrored = new Map<string, MirroredVersion[]>();
  /** Every request path, in order. */
  readonly requests: string[] = [];

  constructor(private readonly versions: readonly PublishedVersion[]) {}

  /** The registry URL (with a trailing slash), once started. */
  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/${this.root}/`;
  }

  /** Adds every package version of `lockfile` (package-lock.json v3). */
  mirrorLockfile(lockfile: string): this {
    const lock = JSON.parse(readFileSync(lockfile, 'utf8')) as { packages: Record<string, Record<string, unknown>> };
    for (const [path, entry] of Object.entries(lock.packages)) {
      if (!path || entry.link || typeof entry.integrity !== 'string') continue;
      const name = (entry.name as string | undefined) ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
      const list = this.mirrored.get(name) ?? [];
      if (list.some((v) => v.version === entry.version)) continue;
      const manifest = Object.fromEntries(MANIFEST_FIELDS.filter((field) => entry[field] !== undefined).map((field) => [field, entry[field]]));
      list.push({ name, version: entry.version as string, integrity: entry.integrity, manifest });
      this.mirrored.set(name, list);
    }
    return this;
  }

  /** Listens on 127.0.0.1, on `port` if given (a test of a port used again), else on a free one. */
  async start({ port = 0 }: { port?: number } = {}): Promise<this> {
    this.server = createServer((request, response) => {
      const url = decodeURIComponent(request.url ?? '/');
      const prefix = `/${this.root}/`;
      const path = url.startsWith(prefix) ? url.slice(prefix.length) : '';
      this.requests.push(path || url);
      const tarball = this.versions.find((v) => path === `${v.name}/-/${fileName(v)}`);
      if (tarball) {
        response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(readFileSync(tarball.tarball));
        return;
      }
      const mirroredTarball = [...this.mirrored.values()].flat().find((v) => path === `${v.name}/-/${fileName(v)}`);
      if (mirroredTarball) {
        response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(fromNpmCache(mirroredTarball.integrity));
        return;
      }
      const versions = this.versions.filter((v) => v.name === path);
      const mirrored = this.mirrored.get(path) ?? [];
      if (!path || (versions.length === 0 && mirrored.length === 0)) {
        response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not found"}');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(this.packument(path, versions, mirrored)));
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', resolve);
    });
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private packument(name: string, versions: readonly PublishedVersion[], mirrored: readonly MirroredVersion[]) {
    const entries: [string, Record<string, unknown>][] = [
      ...mirrored.map((v): [string, Record<string, unknown>] => [
        v.version,
        { ...v.manifest, name: v.name, version: v.version, dist: { tarball: `${this.url}${v.name}/-/${fileName(v)}`, integrity: v.integrity } },
      ]),
      ...versions.map((v): [string, Record<string, unknown>] => {
        const bytes = readFileSync(v.tarball);
        const dist = {
          tarball: `${this.url}${v.name}/-/${fileName(v)}`,
          shasum: createHash('sha1').update(bytes).digest('hex'),
          integrity: `sha512-${createHash('sha512').update(bytes).digest('base64')}`,
        };
        return [v.version, { ...(v.manifest ?? manifestOf(v.tarball)), name: v.name, version: v.version, dist }];
      }),
    ];
    entries.sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true }));
    return { name, 'dist-tags': { latest: entries[entries.length - 1]![0] }, versions: Object.fromEntries(entries) };
  }
}

function fileName(version: { name: string; version: string }): string {
  return `${version.name.split('/').pop()}-${version.version}.tgz`;
}

/** The package.json inside a tarball made by `npm pack`, without name and version. */
function manifestOf(tarball: string): Record<string, unknown> {
  const pkg = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' })) as Record<string, unknown>;
  return Object.fromEntries(MANIFEST_FIELDS.filter((field) => pkg[field] !== undefined).map((field) => [field, pkg[field]]));
}

/** A tarball from npm's own cache (`npm config get cache`), by integrity, with npm's bundled cacache. */
function fromNpmCache(integrity: string): Buffer {
  const npmRoot = execFileSync('npm', ['root', '-g'], { encoding: 'utf8' }).trim();
  const cache = execFileSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).trim();
  const script = `require(${JSON.stringify(join(npmRoot, 'npm', 'node_modules', 'cacache'))}).get.byDigest(${JSON.stringify(join(cache, '_cacache'))}, ${JSON.stringify(integrity)}).then((b) => process.stdout.write(b.toString('base64')))`;
  return Buffer.from(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }), 'base64');
}
