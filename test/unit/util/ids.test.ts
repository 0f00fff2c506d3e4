import { isoUtc, monotonicMs, utcNow } from '../../../src/util/ids.js';

// isoUtc builds toISOString's text from the UTC fields (cheaper on a process's first call).
describe('isoUtc', () => {
  it('writes what toISOString writes, for every kind of date', () => {
    const dates = [0, 1, -1, 999, 86_399_999, Date.UTC(2025, 0, 31, 12, 0, 0, 123), Date.UTC(1999, 11, 31, 23, 59, 59, 999), Date.UTC(9999, 11, 31, 23, 59, 59, 999), Date.UTC(10000, 0, 1), Date.UTC(-1, 5, 1), Date.UTC(42, 1, 3)];
    for (let i = 0; i < 2000; i++) dates.push(Math.floor((Math.random() - 0.3) * 4e12));
    for (const ms of dates) {
      const date = new Date(ms);
      expect([ms, isoUtc(date)]).toEqual([ms, date.toISOString()]);
    }
  });

  it('gives the Python llm’s datetime_utc', () => {
    expect(utcNow(new Date(Date.UTC(2025, 0, 31, 12, 0, 0, 123)))).toBe('2025-01-31T12:00:00.123000+00:00');
  });

  it('measures durations on a monotonic clock in milliseconds', () => {
    const a = monotonicMs();
    const start = Date.now();
    while (Date.now() - start < 5);
    expect(monotonicMs() - a).toBeGreaterThanOrEqual(4);
    expect(monotonicMs() - a).toBeLessThan(5_000);
  });
});
