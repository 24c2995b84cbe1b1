import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import type { Request, Response } from 'express';
import { ParkzonesError } from '../engine/index.ts';
import { HttpProblem } from './problem.ts';

/** Content types an upload may declare: the body is the raw file (JSON, CSV, gzip of either, Parquet, a zip of them). */
export const UPLOAD_TYPES = ['application/json', 'text/csv', 'application/gzip', 'application/x-gzip', 'application/vnd.apache.parquet', 'application/zip', 'application/octet-stream'] as const;

/** After answering 413 we keep reading (and discarding) at most this many more bytes so the client sees the answer. */
const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;

/**
 * Streams the request body to a new file in `dir`, never holding it in memory.
 * @returns the file's path (the caller deletes it)
 * @throws HttpProblem 415 for a content type we do not take; ParkzonesError TOO_LARGE past `limitBytes` (the partial
 *   file is deleted; the rest of the body is drained, up to a bound, so that the client reads the 413);
 *   BAD_FILE when the client aborts mid-body or sends nothing; UNAVAILABLE (503) when `signal` aborts (the server is
 *   stopping) before the body arrived whole
 */
export async function receiveUpload(req: Request, res: Response, dir: string, limitBytes: number, signal?: AbortSignal): Promise<string> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (!(UPLOAD_TYPES as readonly string[]).includes(type)) {
    throw new HttpProblem(415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported media type',
      `Content-Type must be one of ${UPLOAD_TYPES.join(', ')} (the raw file as the body, no multipart); got ${type ? `"${type}"` : 'none'}`,
      { accepted: UPLOAD_TYPES });
  }
  const tooLarge = () =>
    new ParkzonesError('TOO_LARGE', `the upload exceeds the limit of ${limitBytes} bytes; split the export (e.g. by month) or ask an admin to raise the limit`);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) {
    drainThenClose(req, res);
    throw tooLarge();
  }
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `upload-${Date.now()}-${crypto.randomBytes(6).toString('hex')}`);
  const out = fs.createWriteStream(file, { flags: 'wx' });
  let bytes = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const fail = (e: unknown) => {
        if (settled) return;
        settled = true;
        req.off('data', onData);
        out.destroy();
        reject(e);
      };
      const onData = (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > limitBytes) {
          req.pause();
          drainThenClose(req, res);
          fail(tooLarge());
          return;
        }
        if (!out.write(chunk)) {
          req.pause();
          out.once('drain', () => req.resume());
        }
      };
      req.on('data', onData);
      req.once('end', () => {
        if (settled) return;
        settled = true;
        out.end(() => resolve());
      });
      req.once('aborted', () => fail(new ParkzonesError('BAD_FILE', `the upload was aborted after ${bytes} bytes`)));
      const onStop = () => {
        res.set({ Connection: 'close', 'Retry-After': '5' });
        fail(new ParkzonesError('UNAVAILABLE', `the server is shutting down: the upload was cut after ${bytes} bytes, before it arrived whole; nothing was stored; send it again once the server is back`));
      };
      if (signal?.aborted) onStop();
      signal?.addEventListener('abort', onStop, { once: true });
      out.once('close', () => signal?.removeEventListener('abort', onStop));
      req.once('error', fail);
      out.once('error', fail);
    });
  } catch (e) {
    await fs.promises.rm(file, { force: true });
    throw e;
  }
  if (bytes === 0) {
    await fs.promises.rm(file, { force: true });
    throw new ParkzonesError('BAD_FILE', 'the upload body is empty: send the trip file as the request body', { position: 0 });
  }
  return file;
}

/** Discards the rest of a body we will not store, then lets the connection close; gives up after a bound. */
function drainThenClose(req: Request, res: Response): void {
  res.setHeader('Connection', 'close');
  let drained = 0;
  req.on('data', (c: Buffer) => {
    drained += c.length;
    if (drained > DRAIN_LIMIT_BYTES) req.socket.destroy();
  });
  req.resume();
}
