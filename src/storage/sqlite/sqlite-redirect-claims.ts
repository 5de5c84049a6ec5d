import type { Database, Statement } from 'better-sqlite3';

/**
 * Redirect targets a request took into the seen-set when it followed them (the `redirect_claims` table of a
 * {@link CrawlStateDb}). A request in flight at a kill is fetched again on resume; its redirect target is in the
 * seen-set by then, and this table tells the resumed run that the claim was that request's own, so it follows the
 * redirect as the first attempt did. Writes land in the open transaction.
 */
export class SqliteRedirectClaims {
  readonly #insert: Statement<[string, string]>;
  readonly #select: Statement<[string, string], number>;

  constructor(db: Database) {
    this.#insert = db.prepare('INSERT OR IGNORE INTO redirect_claims (url, target) VALUES (?, ?)');
    this.#select = db.prepare('SELECT 1 FROM redirect_claims WHERE url = ? AND target = ?').pluck() as Statement<[string, string], number>;
  }

  /** Records that the request for `url` claimed `target`. */
  add(url: string, target: string): void {
    this.#insert.run(url, target);
  }

  /** Whether the request for `url` claimed `target`. */
  has(url: string, target: string): boolean {
    return this.#select.get(url, target) !== undefined;
  }
}
