import { Crawler, LinkExtractor, MemoryDataset, OptionsError, SelectorError, SelectorExtractor } from '../../src/index.js';
import type { Extracted, Page, PageRecord, SelectorExtractorOptions } from '../../src/index.js';
import { describe, expect, test } from '../helpers/fixtures.js';
import { htmlPage } from '../helpers/page.js';
import type { Site } from '../helpers/site.js';
import { ThreadExtractor } from '../helpers/thread-extractor.js';

const BLOG = `<!doctype html><html><head><base href="/blog/"><title>Blog</title></head><body>
<article id="p1"><h2> Hello
  world </h2><a href="hello">read</a><ul><li>news</li><li>go</li></ul></article>
<article id="p2"><h2>Second</h2><ul></ul></article>
<aside><h2>Not an item</h2><a href="/elsewhere">x</a></aside>
</body></html>`;

describe('SelectorExtractor', () => {
  const page = htmlPage(BLOG, 'http://site.test/blog/index.html');

  test('one record per item: the text of a selector, an attribute as written, url and type', () => {
    const extractor = new SelectorExtractor({ item: 'article', fields: { title: 'h2', link: ['a', 'href'] } });
    expect(extractor.extract(page).records).toEqual([
      { url: 'http://site.test/blog/index.html', title: 'Hello world', link: 'hello' },
      { url: 'http://site.test/blog/index.html', title: 'Second', link: null },
    ]);
    expect(extractor.name).toBe('selectors');
  });

  test('the long form: resolved URLs, every match, the item itself', () => {
    const extractor = new SelectorExtractor({
      name: 'posts',
      item: 'article',
      fields: {
        id: { attr: 'id' },
        link: { selector: 'a', attr: 'href', resolve: true },
        tags: { selector: 'li', all: true },
        hrefs: { selector: 'a', attr: 'href', all: true },
        heading: { selector: '> h2' },
      },
    });
    expect(extractor.extract(page).records).toEqual([
      { url: page.finalUrl, id: 'p1', link: 'http://site.test/blog/hello', tags: ['news', 'go'], hrefs: ['hello'], heading: 'Hello world' },
      { url: page.finalUrl, id: 'p2', link: null, tags: [], hrefs: [], heading: 'Second' },
    ]);
  });

  test('without item: one record per page, fields read from the whole page', () => {
    const extractor = new SelectorExtractor({ fields: { title: 'title', headings: { selector: 'h2', all: true }, missing: '.none' } });
    expect(extractor.extract(page).records).toEqual([{ url: page.finalUrl, title: 'Blog', headings: ['Hello world', 'Second', 'Not an item'], missing: null }]);
  });

  test('a page without items gives no records', () => {
    expect(new SelectorExtractor({ item: 'table', fields: { cell: 'td' } }).extract(page).records).toEqual([]);
  });

  test('runs on worker threads: its worker spec rebuilds the same extractor from plain data', async () => {
    const options: SelectorExtractorOptions = { name: 'posts', item: 'article', fields: { title: 'h2', link: ['a', 'href'] } };
    const spec = new SelectorExtractor(options).workerSpec();
    const module = (await import(spec.module)) as Record<string, typeof SelectorExtractor>;
    const rebuilt = new module[spec.exportName]!(...(structuredClone(spec.args) as [SelectorExtractorOptions]));
    expect(rebuilt.extract(page)).toEqual(new SelectorExtractor(options).extract(page));
  });

  test.each<[string, unknown, string]>([
    ['a field named url', { fields: { url: 'a' } }, 'fields.url'],
    ['a field named type', { fields: { type: 'a' } }, 'fields.type'],
    ['no fields', { fields: {} }, 'fields'],
    ['fields not an object', { fields: 'h2' }, 'fields'],
    ['a field of the wrong type', { fields: { title: 5 } }, 'fields.title'],
    ['a pair of three', { fields: { link: ['a', 'href', 'x'] } }, 'fields.link'],
    ['an unknown key in the long form', { fields: { link: { selector: 'a', atr: 'href' } } }, 'fields.link'],
    ['resolve without attr', { fields: { link: { selector: 'a', resolve: true } } }, 'fields.link'],
    ['the item itself without an item', { fields: { id: { attr: 'id' } } }, 'fields.id'],
    ['item not a string', { item: 3, fields: { a: 'a' } }, 'item'],
    ['an empty name', { name: '', fields: { a: 'a' } }, 'name'],
  ])('rejects %s with an OptionsError naming the option', (_name, options, option) => {
    const build = () => new SelectorExtractor(options as SelectorExtractorOptions);
    expect(build).toThrow(OptionsError);
    try {
      build();
    } catch (error) {
      expect((error as OptionsError).option).toBe(option);
    }
  });

  test.each<[string, SelectorExtractorOptions, string]>([
    ['item', { item: 'article[', fields: { a: 'a' } }, 'article['],
    ['a field', { item: 'article', fields: { a: 'h2::text' } }, 'h2::text'],
    ['a long-form field', { fields: { a: { selector: 'a:nope', attr: 'href' } } }, 'a:nope'],
  ])('an invalid selector in %s fails at construction with its SelectorError', (_name, options, selector) => {
    let caught: unknown;
    try {
      new SelectorExtractor(options);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SelectorError);
    expect((caught as SelectorError).code).toBe('invalid-selector');
    expect((caught as SelectorError).selector).toBe(selector);
  });
});

// A real crawl of a local site: select()/selectOne() in a parse() override on the main thread, and SelectorExtractor
// on worker threads, give the same records.

function buildShop(site: Site): void {
  const product = (id: number, name: string, price: string, tags: string[]) =>
    `<div class="product" data-sku="${id}"><h3><a href="/p/${id}">${name}</a></h3><span class="price">${price}</span>` +
    `<ul class="tags">${tags.map((tag) => `<li>${tag}</li>`).join('')}</ul></div>`;
  site
    .page('/', ['/c/1', '/c/2'], { title: 'Shop', body: product(1, 'Lamp', '10 EUR', ['home', 'light']) })
    .page('/c/1', ['/c/2'], { body: product(2, 'Desk', '99 EUR', []) + product(3, 'Chair', '45 EUR', ['office']) })
    .page('/c/2', [], { body: '<p>No products here</p>' });
}

const SHOP: SelectorExtractorOptions = {
  name: 'product',
  item: '.product',
  fields: { sku: { attr: 'data-sku' }, name: 'h3 > a', link: { selector: 'h3 > a', attr: 'href', resolve: true }, price: '.price', tags: { selector: '.tags li', all: true } },
};

class ShopCrawler extends Crawler {
  protected override async parse(page: Page): Promise<Extracted> {
    const { links } = await super.parse(page);
    const records = page.select('.product').map((product) => {
      const anchor = page.selectOne('h3 > a', product);
      const href = anchor ? page.attr(anchor, 'href') : undefined;
      return {
        type: 'product',
        url: page.finalUrl,
        sku: page.attr(product, 'data-sku') ?? null,
        name: anchor ? page.text(anchor) : null,
        link: href !== undefined ? page.resolve(href) : null,
        price: page.text(page.selectOne('.price', product)!),
        tags: page.select('.tags li', product).map((li) => page.text(li)),
      };
    });
    return { links, records };
  }
}

async function crawlRecords(site: Site, inWorkers: boolean) {
  const records = new MemoryDataset();
  const options = { startUrls: [site.url('/')], logLevel: 'silent' as const, pages: new MemoryDataset<PageRecord>(), records };
  if (inWorkers)
    await new Crawler({ ...options, workers: 1, extractors: [new LinkExtractor(), new SelectorExtractor(SHOP), new ThreadExtractor({ inWorkers: true })] }).run();
  else await new ShopCrawler({ ...options, workers: 0, extractors: [new LinkExtractor()] }).run();
  return records.items;
}

test('select() in a parse() override on the main thread and SelectorExtractor on workers give the same records', async ({ site }) => {
  buildShop(site);
  const onMain = await crawlRecords(site, false);
  const inWorkers = await crawlRecords(site, true);
  const products = (records: Record<string, unknown>[]) => records.filter((record) => record['type'] === 'product').sort((a, b) => String(a['sku']).localeCompare(String(b['sku'])));
  expect(products(onMain)).toHaveLength(3);
  expect(products(inWorkers)).toEqual(products(onMain));
  expect(products(onMain)[0]).toEqual({ type: 'product', url: site.url('/'), sku: '1', name: 'Lamp', link: site.url('/p/1'), price: '10 EUR', tags: ['home', 'light'] });
  const threads = inWorkers.filter((record) => record['type'] === 'thread').map((record) => record['threadId']);
  expect(threads.length).toBe(3);
  expect(threads.every((threadId) => threadId !== 0)).toBe(true);
});
