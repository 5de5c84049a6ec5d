import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OptionsError, OutputError } from '../errors.js';
import { prepareOutputDir } from '../storage/output-dir.js';
import { renderAuditCsv } from './report-csv.js';
import { renderAuditHtml } from './report-html.js';
import type { AuditReport } from './report-types.js';

/** Names of the files an audit writes in its output directory. */
export const AUDIT_FILES = Object.freeze({ json: 'audit.json', csv: 'audit.csv', html: 'report.html' });

/**
 * Creates the output directory if needed and checks that it can be written, before any request (asynchronously and
 * bounded: see `prepareOutputDir`).
 * @throws OptionsError (option `outDir`) when it cannot be created or written.
 */
export async function prepareOutDir(outDir: string): Promise<void> {
  try {
    await prepareOutputDir(outDir);
  } catch (error) {
    throw new OptionsError('outDir', `Cannot write to output directory ${outDir}: ${(error as Error).message}`);
  }
}

/**
 * Writes `text` to `path` atomically: to a temporary file in the same directory, then renamed over the target, so a
 * reader never sees half a report and an old report stays whole until the new one is complete.
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, text, { flush: true });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Writes `audit.json`, `audit.csv` and `report.html` into `outDir`, each atomically.
 * @returns the paths written, in that order.
 * @throws OutputError when a file cannot be written.
 */
export async function writeAuditFiles(report: AuditReport, outDir: string, generatedAt = new Date()): Promise<string[]> {
  const files: Array<[string, string]> = [
    [AUDIT_FILES.json, `${JSON.stringify(report, null, 2)}\n`],
    [AUDIT_FILES.csv, renderAuditCsv(report)],
    [AUDIT_FILES.html, renderAuditHtml(report, generatedAt)],
  ];
  const paths: string[] = [];
  for (const [name, text] of files) {
    const path = join(outDir, name);
    try {
      await writeFileAtomic(path, text);
    } catch (error) {
      throw new OutputError(`Cannot write ${path}: ${(error as Error).message}`, { cause: error });
    }
    paths.push(path);
  }
  return paths;
}
