import { defineTool, type Tool } from 'llm-host';

/** `llm_version`: the installed version of llm. */
export function llmVersion(version: string): Tool {
  return defineTool({
    name: 'llm_version',
    description: 'Return the installed version of llm',
    inputSchema: { type: 'object', properties: {} },
    implementation: () => version,
  });
}

/** `llm_time`: the current time, local and UTC, with the same fields as the Python llm's. */
export const llmTime: Tool = defineTool({
  name: 'llm_time',
  description: 'Returns the current time, as local time and UTC',
  inputSchema: { type: 'object', properties: {} },
  implementation: () => timeNow(new Date()),
});

/** The fields of the Python llm's llm_time for a moment. */
export function timeNow(now: Date): Record<string, unknown> {
  const offsetMinutes = -now.getTimezoneOffset();
  const january = new Date(now.getFullYear(), 0, 1).getTimezoneOffset();
  const july = new Date(now.getFullYear(), 6, 1).getTimezoneOffset();
  const isDst = Math.max(january, july) !== Math.min(january, july) && now.getTimezoneOffset() === Math.min(january, july);
  const sign = offsetMinutes >= 0 ? '+' : '-';
  const pad = (n: number) => String(Math.floor(Math.abs(n))).padStart(2, '0');
  const local = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())} ${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}`;
  const zone = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(now).find((p) => p.type === 'timeZoneName')?.value ?? '';
  return {
    utc_time: `${now.toISOString().slice(0, 19).replace('T', ' ')} UTC`,
    utc_time_iso: now.toISOString().replace('Z', '+00:00'),
    local_timezone: zone,
    local_time: local,
    timezone_offset: `UTC${sign}${pad(offsetMinutes / 60)}:${pad(offsetMinutes % 60)}`,
    is_dst: isDst,
  };
}
