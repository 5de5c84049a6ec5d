import type { Extracted, WorkerSpec } from '../extractors/extractor.js';

/** What a parse worker is started with. */
export interface ParseWorkerData {
  /** The extractors to build, in order. */
  specs: WorkerSpec[];
  /**
   * Nothing on the main thread reads a link but its URL and nofollow mark (the default `shouldEnqueue`): send those
   * alone ({@link CompactLinks}), which is most of a reply's size.
   */
  compactLinks?: boolean;
}

/** A page's links as URLs and the indexes of those marked nofollow, in the order found, repeats folded (see compactLinksOf). */
export interface CompactLinks {
  urls: string[];
  nofollow: number[];
}

/** A fetched page sent to a parse worker. */
export interface ParseJob {
  id: number;
  url: string;
  finalUrl: string;
  depth: number;
  parent: string | null;
  status: number;
  headers: Record<string, string>;
  contentType: string;
  body: Uint8Array;
  truncated: boolean;
}

/** What a parse worker sends back for a job: the merged extraction, or the extractor failure. */
export type ParseReply =
  | { id: number; ok: true; title: string | null; baseUrl: string; extracted: Required<Extracted>; compactLinks?: CompactLinks }
  | { id: number; ok: false; extractor: string; message: string };

/** What a parse worker sends once, when its extractors are built (or failed to build: its jobs then fail). */
export interface WorkerReady {
  ready: true;
}
