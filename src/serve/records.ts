import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobMode } from './job-types.js';

/** The record lists of a job: `pages`, `records` (parse() records), `images` (the manifest), `findings` (audit). */
export type RecordKind = 'pages' | 'records' | 'images' | 'findings';

/** Every record kind, for the schema. */
export const RECORD_KINDS: readonly RecordKind[] = ['pages', 'records', 'images', 'findings'];

/** The kind `GET /records` pages through when none is asked for. */
export const DEFAULT_KIND: Readonly<Record<JobMode, RecordKind>> = { crawl: 'pages', images: 'images', audit: 'findings' };

const FILE_OF: Readonly<Record<Exclude<RecordKind, 'findings'>, string>> = { pages: 'pages.jsonl', records: 'records.jsonl', images: 'images.jsonl' };

// The lists of audit.json that are findings, in the order the report shows them.
const FINDING_LISTS = ['brokenLinks', 'redirects', 'unverifiable', 'titleIssues', 'metaIssues', 'fragmentIssues', 'orphans', 'mixedContent', 'contentTypeIssues', 'sitemapIssues'];

/** One page of records; `next` is the cursor of the following page, or null when there is none (yet). */
export interface RecordPage {
  records: object[];
  next: string | null;
}

const CHUNK = 64 * 1024;

/**
 * Reads up to `limit` whole lines of a JSON Lines file from byte `offset` (a line still being written is left for
 * later). The cursor is the byte offset after the last line read, so it stays valid while the file grows.
 * `more` is whether the file may hold or get more lines (the job still runs).
 */
export async function readJsonLines(path: string, offset: number, limit: number, more: boolean): Promise<RecordPage> {
  let file;
  try {
    file = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], next: more ? String(offset) : null };
    throw error;
  }
  try {
    const records: object[] = [];
    let position = offset;
    let pending = Buffer.alloc(0);
    let eof = false;
    while (records.length < limit) {
      const buffer = Buffer.alloc(CHUNK);
      const { bytesRead } = await file.read(buffer, 0, CHUNK, position + pending.length);
      if (bytesRead === 0) {
        eof = true;
        break;
      }
      pending = Buffer.concat([pending, buffer.subarray(0, bytesRead)]);
      let start = 0;
      for (let end = pending.indexOf(10); end >= 0 && records.length < limit; end = pending.indexOf(10, start)) {
        const line = pending.subarray(start, end).toString('utf8');
        if (line.trim() !== '') records.push(JSON.parse(line) as object);
        start = end + 1;
      }
      position += start;
      pending = pending.subarray(start);
    }
    if (!eof) {
      const probe = Buffer.alloc(1);
      eof = (await file.read(probe, 0, 1, position)).bytesRead === 0;
    }
    return { records, next: !eof || more ? String(position) : null };
  } finally {
    await file.close();
  }
}

/** The findings of an audit (`audit.json`), flattened in report order, each with its `kind` (the report's list name). */
export async function readFindings(dir: string, offset: number, limit: number, more: boolean): Promise<RecordPage> {
  let report: Record<string, unknown>;
  try {
    report = JSON.parse(await readFile(join(dir, 'audit.json'), 'utf8')) as Record<string, unknown>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], next: more ? '0' : null };
    throw error;
  }
  const findings = FINDING_LISTS.flatMap((kind) => ((report[kind] as object[] | undefined) ?? []).map((item) => ({ kind, ...item })));
  const records = findings.slice(offset, offset + limit);
  return { records, next: offset + limit < findings.length ? String(offset + limit) : null };
}

/** A page of the job's records of `kind`, from `cursor` (a byte offset, or an index for findings). */
export function readRecords(dir: string, kind: RecordKind, cursor: number, limit: number, more: boolean): Promise<RecordPage> {
  if (kind === 'findings') return readFindings(dir, cursor, limit, more);
  return readJsonLines(join(dir, FILE_OF[kind]), cursor, limit, more);
}
