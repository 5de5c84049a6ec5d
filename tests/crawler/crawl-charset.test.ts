import { byPath, crawlToArray, paths } from '../helpers/crawl.js';
import { describe, expect, test } from '../helpers/fixtures.js';

describe('charsets', () => {
  test('a windows-1251 page declared in the Content-Type header has its title decoded', async ({ site }) => {
    site.page('/', ['/ru']).encoded('/ru', 'windows-1251', '<!doctype html><title>Привет, мир</title><h1>Заголовок</h1>');
    const { pages, records } = await crawlToArray(site.url('/'));
    expect(byPath(pages, '/ru').title).toBe('Привет, мир');
    expect(records.find((record) => record['url'] === site.url('/ru'))).toMatchObject({ type: 'title', h1: ['Заголовок'] });
  });

  test('a Shift_JIS page declared only by <meta charset> has its title decoded', async ({ site }) => {
    site.page('/', ['/ja']).encoded('/ja', 'shift_jis', '<!doctype html><html><head><meta charset="Shift_JIS"><title>日本語のページ</title></head></html>', { header: false });
    const { pages } = await crawlToArray(site.url('/'));
    expect(byPath(pages, '/ja')).toMatchObject({ contentType: 'text/html', title: '日本語のページ' });
  });

  test('a <meta http-equiv> charset is honoured', async ({ site }) => {
    site.encoded('/', 'iso-8859-7', '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-7"><title>Καλημέρα</title>', { header: false });
    const { pages } = await crawlToArray(site.url('/'));
    expect(pages[0]?.title).toBe('Καλημέρα');
  });

  test('a <meta charset> inside a comment is not honoured', async ({ site }) => {
    site.encoded('/', 'utf-8', '<!doctype html><!-- old: <meta charset="windows-1251"> --><title>Привет</title>', { header: false });
    const { pages } = await crawlToArray(site.url('/'));
    expect(pages[0]?.title).toBe('Привет');
  });

  test('a description that mentions charset= does not set the charset', async ({ site }) => {
    site.encoded('/', 'utf-8', '<meta name="description" content="Save as charset=windows-1251, not UTF-8"><title>Привет</title>', { header: false });
    const { pages } = await crawlToArray(site.url('/'));
    expect(pages[0]?.title).toBe('Привет');
  });

  test('an XML declaration names the charset when no <meta> does', async ({ site }) => {
    site.encoded('/', 'windows-1251', '<?xml version="1.0" encoding="windows-1251"?><html><title>Привет</title></html>', { header: false });
    const { pages } = await crawlToArray(site.url('/'));
    expect(pages[0]?.title).toBe('Привет');
  });

  test('the header charset wins over a conflicting <meta>', async ({ site }) => {
    site.encoded('/', 'windows-1251', '<meta charset="iso-8859-1"><title>Тест</title>');
    const { pages } = await crawlToArray(site.url('/'));
    expect(pages[0]?.title).toBe('Тест');
  });

  test('a UTF-8 BOM wins over the header charset', async ({ site }) => {
    site.route('/', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=iso-8859-1' });
      res.end(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<title>naïve – ok</title>')]));
    });
    const { pages } = await crawlToArray(site.url('/'));
    expect(pages[0]?.title).toBe('naïve – ok');
  });

  test('an unknown charset label falls back without failing the page', async ({ site }) => {
    site.html('/', '<title>plain</title><a href="/a">a</a>', { 'content-type': 'text/html; charset=x-no-such-charset' }).page('/a', []);
    const { pages } = await crawlToArray(site.url('/'));
    expect(byPath(pages, '/')).toMatchObject({ title: 'plain', links: 1, error: null });
  });

  test('non-ASCII link targets in a legacy-encoded page are followed', async ({ site }) => {
    site.encoded('/', 'windows-1251', '<title>ссылки</title><a href="/страница">x</a>');
    site.page('/%D1%81%D1%82%D1%80%D0%B0%D0%BD%D0%B8%D1%86%D0%B0', [], { title: 'found' });
    const { pages } = await crawlToArray(site.url('/'));
    expect(pages.map((page) => page.title)).toEqual(['ссылки', 'found']);
  });
});

describe('malformed HTML', () => {
  test('broken markup still yields links and a title', async ({ site }) => {
    site.html('/', '<html><head><title>Broken <b>page</title><body><div><a href="/a">a<a href=/b>b<table><tr><a href="/c"</div><<p>unclosed <a href=\'/d\'>');
    for (const path of ['/a', '/b', '/c', '/d']) site.page(path, []);
    const { pages } = await crawlToArray(site.url('/'));
    expect(byPath(pages, '/').title).toBe('Broken <b>page');
    expect(paths(pages)).toEqual(['/', '/a', '/b', '/c', '/d']);
  });

  test('an empty body and a body of binary garbage labelled text/html are recorded without errors', async ({ site }) => {
    site.page('/', ['/empty', '/garbage']).html('/empty', '');
    site.route('/garbage', (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(Buffer.from([0, 255, 254, 1, 0x3c, 0x61, 0, 0xc3])));
    const { pages } = await crawlToArray(site.url('/'));
    expect(byPath(pages, '/empty')).toMatchObject({ title: null, links: 0, error: null });
    expect(byPath(pages, '/garbage')).toMatchObject({ title: null, links: 0, error: null });
  });
});
