/**
 * Zip archives of trip files (several systems publish a month as a `.zip` holding one CSV): each member that is a
 * trip file is inflated, streaming, to a temporary file and handed on as a file of its own, one at a time, so only
 * one member is ever on disk beside the archive.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { ParkzonesError } from '../errors.ts';

/** Local file header and end-of-central-directory signatures: a zip archive starts with one of them. */
const ZIP_MAGIC = [Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from([0x50, 0x4b, 0x05, 0x06])];

/** Member names read as trip files (after any `.gz`); others (read-me files, licences) are skipped and named. */
const TRIP_MEMBER = /\.(csv|tsv|txt|json|parquet)(\.gz)?$|\.gz$/i;

/** True when `file` starts with a zip signature. */
export function isZipFile(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(4);
    const n = fs.readSync(fd, head, 0, 4, 0);
    return n === 4 && ZIP_MAGIC.some((m) => m.equals(head));
  } finally {
    fs.closeSync(fd);
  }
}

/** One member of an archive as {@link forEachZipMember} hands it on. */
export interface ZipMember {
  /** The member's path inside the archive. */
  name: string;
  /** A temporary file holding the member's bytes (removed once the callback returns). */
  file: string;
}

/**
 * Calls `use` for each trip-file member of the zip archive `file`, in archive order, with the member inflated to a
 * temporary file. Directories, `__MACOSX/` and dot files are left out; other members whose names do not look like
 * trip files are skipped and returned.
 * @throws ParkzonesError BAD_FILE when the archive cannot be read (naming the archive), when a member's data is
 *   corrupt (naming the member and the decompressed byte where it broke), or when no member is a trip file
 */
export async function forEachZipMember(file: string, displayName: string, use: (m: ZipMember) => Promise<void>): Promise<{ skipped: string[] }> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(file, { lazyEntries: true, autoClose: false, strictFileNames: false, validateEntrySizes: true });
  } catch (e) {
    throw new ParkzonesError('BAD_FILE', `${displayName}: not a readable zip archive (${(e as Error).message})`, { file: displayName });
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pz-zip-'));
  const skipped: string[] = [];
  let used = 0;
  try {
    for await (const entry of iterate(zip, displayName)) {
      const name = entry.fileName;
      const base = path.posix.basename(name);
      if (name.endsWith('/') || name.startsWith('__MACOSX/') || base.startsWith('.')) continue;
      if (!TRIP_MEMBER.test(name)) {
        skipped.push(name);
        continue;
      }
      const memberName = `${displayName}/${name}`;
      const out = path.join(dir, `member-${used}${path.extname(base)}`);
      let written = 0;
      try {
        const stream = await zip.openReadStreamPromise(entry);
        const counter = new Transform({
          transform(chunk: Buffer, _enc, done) {
            written += chunk.length;
            done(null, chunk);
          },
        });
        await pipeline(stream, counter, fs.createWriteStream(out));
      } catch (e) {
        throw new ParkzonesError('BAD_FILE', `${memberName}: the zip member is truncated or corrupt after ${written} decompressed bytes (${(e as Error).message})`, {
          file: memberName,
          position: written,
        });
      }
      used++;
      try {
        await use({ name, file: out });
      } finally {
        fs.rmSync(out, { force: true });
      }
    }
  } finally {
    zip.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (used === 0) {
    throw new ParkzonesError('BAD_FILE', `${displayName}: the zip archive holds no trip file (CSV, JSON or Parquet)${skipped.length ? `, only ${skipped.join(', ')}` : ''}`, {
      file: displayName,
      position: 0,
    });
  }
  return { skipped };
}

/** The archive's entries; a broken central directory is BAD_FILE naming the archive. */
async function* iterate(zip: yauzl.ZipFile, displayName: string): AsyncGenerator<yauzl.Entry> {
  try {
    for await (const entry of zip.eachEntry()) yield entry;
  } catch (e) {
    if (e instanceof ParkzonesError) throw e;
    throw new ParkzonesError('BAD_FILE', `${displayName}: the zip archive's directory is corrupt (${(e as Error).message})`, { file: displayName });
  }
}
