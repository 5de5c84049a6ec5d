import { Page } from '../../src/extractors/page.js';

/** A fetched HTML page built directly (no server), for extractor unit tests. */
export function htmlPage(html: string, finalUrl = 'http://site.test/dir/page.html', contentType = 'text/html'): Page {
  return new Page({
    url: finalUrl,
    finalUrl,
    depth: 1,
    parent: 'http://site.test/',
    status: 200,
    headers: { 'content-type': contentType },
    contentType,
    body: Buffer.from(html, 'utf8'),
    text: html,
    truncated: false,
  });
}
