import type { Dispatcher } from 'undici';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Transform } from 'node:stream';

/** How much of a body that is not read is still drained, so the connection can be kept; past it the connection closes. */
const DRAIN_LIMIT = 64 * 1024;

/** Response headers as undici parses them: lower-case names, a repeated header as an array. */
export type ResponseHeaders = Record<string, string | string[] | undefined>;

/** What an {@link Exchange} does with a response's body, decided from its status and headers. */
export interface BodyPlan {
  /** Read the body (else drain up to 64 KiB and drop it). */
  read: boolean;
  /** The decoded size at which the body is cut and the request closed. */
  limit: number;
  /** The response's Content-Encoding, which the body is decoded from (gzip, deflate, br; others are kept as sent). */
  encoding: string | undefined;
}

/** A response as an {@link Exchange} ends: the status, undici's parsed headers, and the body when it was read. */
export interface ExchangeOutcome {
  status: number;
  headers: ResponseHeaders;
  body: Buffer | undefined;
  truncated: boolean;
}

function decompressor(encoding: string | undefined): Transform | undefined {
  switch (encoding?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      return undefined;
  }
}

/** Concatenates chunks into a Buffer that owns its whole ArrayBuffer (never a pool slice, never a view). */
function ownBuffer(chunks: readonly Buffer[], total: number): Buffer {
  // allocUnsafeSlow: its own ArrayBuffer (so it can be transferred to a parse worker), and no zero-filling first.
  const body = Buffer.allocUnsafeSlow(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/**
 * One HTTP exchange as an undici dispatch handler: the body is collected straight from the connection's chunks (no
 * stream, no async iteration per chunk), decoded when it is compressed, and cut at the plan's limit, which closes
 * the connection. A body that is not read is drained up to 64 KiB so its connection can be kept. `result` settles
 * once: with the outcome, or with the first failure ({@link Exchange.fail} from outside: a timeout or a stop).
 */
export class Exchange implements Dispatcher.DispatchHandler {
  /** Settles with the outcome or the failure; never unhandled. */
  readonly result: Promise<ExchangeOutcome>;
  readonly #plan: (status: number, headers: ResponseHeaders) => BodyPlan;
  #resolve!: (outcome: ExchangeOutcome) => void;
  #reject!: (error: unknown) => void;
  #controller: Dispatcher.DispatchController | undefined;
  /** Set once `result` settled; what undici reports later is ignored. */
  #settled = false;
  /** The failure given before undici started the request: it is aborted as soon as it starts. */
  #failure: Error | undefined;
  #status = 0;
  #headers: ResponseHeaders = {};
  #read = false;
  #limit = 0;
  #decoder: Transform | undefined;
  readonly #chunks: Buffer[] = [];
  #total = 0;

  /** `plan` decides, when the headers arrive, whether and how far the body is read (it may throw: the request fails). */
  constructor(plan: (status: number, headers: ResponseHeaders) => BodyPlan) {
    this.#plan = plan;
    this.result = new Promise<ExchangeOutcome>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // A failure may come while the caller awaits something else (the proxy's target check); it reads `result` after.
    this.result.catch(() => undefined);
  }

  /** Whether `result` has settled. */
  get settled(): boolean {
    return this.#settled;
  }

  /** Fails the exchange with `error` and aborts its request (closing the connection), unless it already settled. */
  fail(error: Error): void {
    if (this.#settled) return;
    // An unread body's errors do not fail its response once the headers are in: it was only being drained.
    if (this.#status !== 0 && !this.#read) this.#finish();
    else {
      this.#settled = true;
      this.#reject(error);
    }
    this.#decoder?.destroy();
    if (this.#controller) this.#controller.abort(error);
    else this.#failure = error;
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#failure) controller.abort(this.#failure);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: ResponseHeaders): void {
    if (this.#settled || statusCode < 200) return;
    let plan: BodyPlan;
    try {
      plan = this.#plan(statusCode, headers);
    } catch (error) {
      this.fail(error as Error);
      return;
    }
    this.#status = statusCode;
    this.#headers = headers;
    this.#read = plan.read;
    this.#limit = plan.read ? plan.limit : DRAIN_LIMIT;
    const decoder = plan.read ? decompressor(plan.encoding) : undefined;
    if (!decoder) return;
    this.#decoder = decoder;
    decoder.on('data', (chunk: Buffer) => this.#take(chunk));
    decoder.on('error', (error: Error) => this.fail(error));
    decoder.on('end', () => this.#finish());
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#settled) return;
    if (this.#decoder) this.#decoder.write(chunk);
    else this.#take(chunk);
  }

  onResponseEnd(): void {
    if (this.#settled) return;
    if (this.#decoder) this.#decoder.end();
    else this.#finish();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.fail(error);
  }

  // Keeps a chunk of the (decoded) body; at the limit, ends the exchange and closes the connection.
  #take(chunk: Buffer): void {
    if (this.#settled) return;
    if (this.#total + chunk.byteLength <= this.#limit) {
      if (this.#read) this.#chunks.push(chunk);
      this.#total += chunk.byteLength;
      return;
    }
    if (this.#read) this.#chunks.push(chunk.subarray(0, this.#limit - this.#total));
    this.#total = this.#limit;
    this.#finish(true);
    this.#decoder?.destroy();
    this.#controller?.abort(new Error('body cut at its size limit'));
  }

  #finish(truncated = false): void {
    if (this.#settled) return;
    this.#settled = true;
    // Always a copy with its own memory: a chunk is a view into the connection's read buffer, which it would keep
    // alive, and an own ArrayBuffer can be transferred to a parse worker.
    const body = this.#read ? ownBuffer(this.#chunks, this.#total) : undefined;
    this.#chunks.length = 0;
    this.#resolve({ status: this.#status, headers: this.#headers, body, truncated: truncated && this.#read });
  }
}
