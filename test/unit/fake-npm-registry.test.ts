import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FakeNpmRegistry } from '../helpers/fake-npm-registry.js';
import { tempDir } from '../helpers/temp-dir.js';

// The loopback registry the install tests use (test/helpers/fake-npm-registry.ts).

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir('llm-npm-registry-');
});
afterEach(() => dir.remove());

/** A package-lock.json holding commander twice, as ours does (5.1.0 at the top, 7.2.0 under d3-dsv). */
function lockfile(): string {
  const path = join(dir.path, 'package-lock.json');
  const entry = (version: string) => ({ version, integrity: `sha512-${Buffer.from(version).toString('base64')}`, license: 'MIT', engines: { node: '>= 6' } });
  writeFileSync(
    path,
    JSON.stringify({
      lockfileVersion: 3,
      packages: {
        '': { name: 'app', version: '1.0.0' },
        'node_modules/commander': entry('5.1.0'),
        'node_modules/d3-dsv': { ...entry('3.0.1'), dependencies: { commander: '7' } },
        'node_modules/d3-dsv/node_modules/commander': entry('7.2.0'),
      },
    }),
  );
  return path;
}

describe('FakeNpmRegistry', () => {
  it('serves a name the lockfile holds at two versions with both, latest the highest, under its own path and not for npm to keep', async () => {
    const registry = await new FakeNpmRegistry([]).mirrorLockfile(lockfile()).start();
    try {
      const response = await fetch(`${registry.url}commander`);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const packument = (await response.json()) as { name: string; 'dist-tags': Record<string, string>; versions: Record<string, { version: string; engines: unknown; dist: { tarball: string; integrity: string } }> };
      expect(packument.name).toBe('commander');
      expect(packument['dist-tags']).toEqual({ latest: '7.2.0' });
      expect(Object.keys(packument.versions)).toEqual(['5.1.0', '7.2.0']);
      expect(packument.versions['7.2.0']).toMatchObject({
        version: '7.2.0',
        engines: { node: '>= 6' },
        dist: { tarball: `${registry.url}commander/-/commander-7.2.0.tgz`, integrity: `sha512-${Buffer.from('7.2.0').toString('base64')}` },
      });
      expect(registry.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[0-9a-f]{16}\/$/);
      // The port's root (where registries before this one served) is not this registry's.
      expect((await fetch(new URL('/commander', registry.url))).status).toBe(404);
    } finally {
      await registry.stop();
    }
  });

  it('npm --prefer-offline resolves commander@7 on a port where its cache holds an older registry’s packument with only 5.1.0', async () => {
    // An older registry on this port, whose commander packument npm keeps (no cache-control).
    const stale = createServer((request, response) => {
      const packument = { name: 'commander', 'dist-tags': { latest: '5.1.0' }, versions: { '5.1.0': { name: 'commander', version: '5.1.0', dist: { tarball: 'http://127.0.0.1:9/commander-5.1.0.tgz', integrity: 'sha512-AAAA' } } } };
      if (request.url === '/commander') response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(packument));
      else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => stale.listen(0, '127.0.0.1', resolve));
    const { port } = stale.address() as AddressInfo;
    const cache = join(dir.path, 'npm-cache');
    const project = join(dir.path, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), '{"name": "project", "version": "1.0.0"}');
    const install = (registry: string, dependency: string) =>
      promisify(execFile)('npm', ['install', '--dry-run', '--prefer-offline', '--no-audit', '--no-fund', '--no-save', dependency], {
        cwd: project,
        env: { ...process.env, npm_config_cache: cache, npm_config_registry: registry, npm_config_loglevel: 'error', npm_config_update_notifier: 'false' },
      });
    try {
      await install(`http://127.0.0.1:${port}/`, 'commander@5');
    } finally {
      await new Promise<void>((resolve) => stale.close(() => resolve()));
    }
    const registry = await new FakeNpmRegistry([]).mirrorLockfile(lockfile()).start({ port });
    try {
      await expect(install(registry.url, 'commander@7')).resolves.toMatchObject({ stdout: expect.stringContaining('add commander 7.2.0') });
      expect(registry.requests).toContain('commander');
    } finally {
      await registry.stop();
    }
  });
});
