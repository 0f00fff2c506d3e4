import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundledOrInstalled } from '../../../default-plugins/sqlite-logger/engines/better-sqlite3.js';
import { tempDir } from '../../helpers/temp-dir.js';

// The build bundles better-sqlite3's JavaScript into dist/vendor/better-sqlite3-VERSION.cjs; the
// engine uses that file only with the very version it came from installed.
describe('bundledOrInstalled', () => {
  it('takes the bundled file made from the installed version, else the installed package', () => {
    const dir = tempDir('llm-bsq-');
    try {
      const lib = join(dir.path, 'node_modules', 'better-sqlite3', 'lib');
      mkdirSync(lib, { recursive: true });
      const main = join(lib, 'index.js');
      writeFileSync(main, '');
      writeFileSync(join(lib, '..', 'package.json'), JSON.stringify({ name: 'better-sqlite3', version: '12.0.0' }));
      const root = join(dir.path, 'llm');
      mkdirSync(join(root, 'dist', 'vendor'), { recursive: true });
      expect(bundledOrInstalled(main, root)).toBe(main);
      writeFileSync(join(root, 'dist', 'vendor', 'better-sqlite3-11.9.0.cjs'), '');
      expect(bundledOrInstalled(main, root)).toBe(main);
      writeFileSync(join(root, 'dist', 'vendor', 'better-sqlite3-12.0.0.cjs'), '');
      expect(bundledOrInstalled(main, root)).toBe(join(root, 'dist', 'vendor', 'better-sqlite3-12.0.0.cjs'));
    } finally {
      dir.remove();
    }
  });
});
