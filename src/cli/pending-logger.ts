import type { Bindings, Logger } from 'pino';
import type { PartLogger } from '../crawler/part-logger.js';

type Level = 'debug' | 'info' | 'warn' | 'error';
type Call = (...args: unknown[]) => void;

/** One line logged before pino was there, and which logger (the root or a child) it was logged on. */
interface HeldLine {
  from: PendingLogger;
  level: Level;
  args: unknown[];
}

/**
 * A logger for the fetch side a crawl starts before pino has loaded (issue 15: pino is 150 KB of the path to the
 * first request). Lines logged on it, or on children made from it, are held in order; {@link PendingLogger.attach}
 * writes them through the real logger and forwards everything after. Held lines are few: the fetch side logs a
 * line per robots.txt that fails, a retry or a capped Crawl-delay. Their `time` is when they are written, tens of
 * milliseconds after they were logged at most (pino loads while robots.txt is in flight).
 */
export class PendingLogger implements PartLogger {
  readonly #bindings: Bindings | undefined;
  /** The root's held lines and children, shared by the whole tree until it is attached. */
  readonly #tree: { held: HeldLine[]; children: PendingLogger[] };
  readonly #parent: PendingLogger | undefined;
  #real: Logger | undefined;

  constructor(parent?: PendingLogger, bindings?: Bindings) {
    this.#parent = parent;
    this.#bindings = bindings;
    this.#tree = parent ? parent.#tree : { held: [], children: [] };
  }

  /** Sets the real logger (on the root): children get its children, and held lines are written in the order logged. */
  attach(real: Logger): void {
    if (this.#parent) throw new Error('attach() the root PendingLogger');
    if (this.#real) return;
    this.#real = real;
    // Children are listed parent first (each is made from one that exists), so a parent is attached before its own.
    for (const child of this.#tree.children.splice(0)) child.#real = (child.#parent as PendingLogger).#real?.child(child.#bindings ?? {});
    for (const { from, level, args } of this.#tree.held.splice(0)) from.#write(level, args);
  }

  child(bindings: Bindings): PartLogger {
    if (this.#real) return this.#real.child(bindings);
    const child = new PendingLogger(this, bindings);
    this.#tree.children.push(child);
    return child;
  }

  debug = (...args: unknown[]): void => this.#log('debug', args);
  info = (...args: unknown[]): void => this.#log('info', args);
  warn = (...args: unknown[]): void => this.#log('warn', args);
  error = (...args: unknown[]): void => this.#log('error', args);

  #log(level: Level, args: unknown[]): void {
    if (this.#real) this.#write(level, args);
    else this.#tree.held.push({ from: this, level, args });
  }

  #write(level: Level, args: unknown[]): void {
    const real = this.#real as Logger;
    (real[level] as Call).apply(real, args);
  }
}
