/**
 * The exports of a CommonJS package loaded with `import()`. Node puts them on `default` (and
 * usually as named exports too); in the bundled build only `default` is there.
 */
export function commonJsExports<T extends object>(module: T): T {
  return (module as { default?: T }).default ?? module;
}
