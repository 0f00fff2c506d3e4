import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LlmError } from '../../src/errors.js';
import { fetchBytes, fetchLimits, fetchText } from '../../src/models/fetch-url.js';

// URL attachments and fragments are downloaded within a size limit and a time limit; each failure
// is one LlmError naming the URL, what went wrong and the setting that changes it. The server here
// never answers (or stops part way) instead of being slow, so the tests wait for no clock but the
// fetch's own limit.

let server: Server;
let base: string;
const held: ServerResponse[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/silent') return void held.push(res); // never answers
    if (req.url === '/stalls') {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '100' });
      res.write('the first part');
      return void held.push(res); // the rest never comes
    }
    if (req.url === '/chunked') {
      // No content-length: the limit is found while reading.
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('0123456789');
      res.write('0123456789');
      return void res.end('0123456789');
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

it('stops waiting for an answer at the time limit', async () => {
  await expect(fetchBytes(`${base}/silent`, { timeoutMs: 50 })).rejects.toThrow(
    new LlmError(`Could not fetch ${base}/silent: no answer within 0.05 s (set LLM_FETCH_TIMEOUT in seconds to wait longer).`),
  );
});

it('stops a download that stalls part way at the time limit', async () => {
  // A second is ample for loopback headers even on a loaded machine; the body never completes.
  await expect(fetchBytes(`${base}/stalls`, { timeoutMs: 1000 })).rejects.toThrow(
    new LlmError(`Could not fetch ${base}/stalls: the download took longer than 1 s (set LLM_FETCH_TIMEOUT in seconds to wait longer).`),
  );
});

it('stops a body without a declared length once it passes the size limit', async () => {
  await expect(fetchBytes(`${base}/chunked`, { maxBytes: 15 })).rejects.toThrow(
    new LlmError(`Could not fetch ${base}/chunked: it sent more than the limit of 15 bytes (set LLM_FETCH_MAX_BYTES to allow more).`),
  );
  expect(await fetchText(`${base}/chunked`, { maxBytes: 30 })).toBe('012345678901234567890123456789');
});

it('says when nothing listens', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/x`;
  await new Promise((resolve) => closed.close(resolve));
  await expect(fetchBytes(url)).rejects.toThrow(new LlmError(`Could not fetch ${url}: ECONNREFUSED.`));
});

it('takes its limits from the caller, else LLM_FETCH_MAX_BYTES and LLM_FETCH_TIMEOUT (seconds), else 25 MiB and 30 s', () => {
  expect(fetchLimits({}, {})).toEqual({ maxBytes: 25 * 1024 * 1024, timeoutMs: 30_000 });
  expect(fetchLimits({}, { LLM_FETCH_MAX_BYTES: '1000', LLM_FETCH_TIMEOUT: '2.5' })).toEqual({ maxBytes: 1000, timeoutMs: 2500 });
  expect(fetchLimits({ maxBytes: 7, timeoutMs: 9 }, { LLM_FETCH_MAX_BYTES: '1000' })).toEqual({ maxBytes: 7, timeoutMs: 9 });
  expect(() => fetchLimits({}, { LLM_FETCH_TIMEOUT: 'soon' })).toThrow(new LlmError('LLM_FETCH_TIMEOUT must be a positive number (got "soon").'));
  expect(() => fetchLimits({}, { LLM_FETCH_MAX_BYTES: '0' })).toThrow(new LlmError('LLM_FETCH_MAX_BYTES must be a positive number (got "0").'));
});
