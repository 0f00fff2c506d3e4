/**
 * The message of anything thrown, on one line. Duck-typed rather than `instanceof Error`: a native
 * module's errors may come from another realm (a test runner's VM context, say).
 */
export function messageOf(error: unknown): string {
  const candidate = (error as { message?: unknown } | null)?.message;
  const message = typeof candidate === 'string' ? candidate : String(error);
  return message.replace(/\s*\n\s*/g, ' ').trim();
}

/** The error code Node or an engine attached (`ENOENT`, `SQLITE_BUSY`), if any. */
export function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A byte count as the Python llm shows it: `0B`, `512B`, `12.34KB`, `1.50MB`. */
export function humanSize(bytes: number): string {
  if (bytes === 0) return '0B';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let size = bytes;
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit++;
  }
  return unit === 0 ? `${size}B` : `${size.toFixed(2)}${units[unit]}`;
}
