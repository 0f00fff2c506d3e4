import { jest } from '@jest/globals';
import { EmbedProgress } from '../../../default-plugins/embeddings/progress.js';

/** A stream that records what is written, a terminal or not. */
const stream = (isTTY: boolean) => {
  const writes: string[] = [];
  return { writes, stream: { isTTY, write: (text: string) => writes.push(text) } as unknown as NodeJS.WriteStream };
};

describe('embed-multi progress', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('says nothing in the first second, then one line per batch when not at a terminal', () => {
    const { writes, stream: out } = stream(false);
    const progress = new EmbedProgress(400, out);
    progress.update(100, 0);
    expect(writes).toEqual([]);
    jest.setSystemTime(1_002_000);
    progress.update(200, 50);
    jest.setSystemTime(1_004_000);
    progress.update(400, 50);
    progress.finish();
    expect(writes).toEqual(['Embedding: 200/400 items (50 unchanged), 100.0/s, ETA 2s\n', 'Embedding: 400/400 items (50 unchanged), 100.0/s, ETA 0s\n']);
  });

  it('rewrites one line at a terminal (count, rate, ETA) and ends it', () => {
    const { writes, stream: out } = stream(true);
    const progress = new EmbedProgress(undefined, out);
    jest.setSystemTime(1_001_500);
    progress.update(30, 0);
    progress.finish();
    expect(writes).toEqual(['\r\x1b[KEmbedding: 30 items, 20.0/s', '\n']);
    const timed = new EmbedProgress(10_000, out);
    jest.setSystemTime(1_001_500 + 2_000);
    timed.update(1_000, 0);
    expect(writes.at(-1)).toBe('\r\x1b[KEmbedding: 1000/10000 items, 500.0/s, ETA 18s');
  });
});
