/** The media types a crawl parses as HTML (any other is parsed only when `contentTypes` opts into it). */
export const HTML_TYPES: ReadonlySet<string> = new Set(['text/html', 'application/xhtml+xml']);
