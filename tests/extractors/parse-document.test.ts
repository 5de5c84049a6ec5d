import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'parse5';
import type { DefaultTreeAdapterMap } from 'parse5';
import { describe, expect, test } from 'vitest';
import { samplePages } from '../../bench/parse-ceiling.js';
import { parseDocument } from '../../src/extractors/parse-document.js';
import { randomHtml } from '../helpers/random-html.js';

type Node = DefaultTreeAdapterMap['node'];

/** Everything a tree says, parents aside: node names, namespaces, attributes, text, comments, doctypes, template content. */
function describeTree(node: Node): unknown {
  const entry: Record<string, unknown> = { name: node.nodeName };
  if ('mode' in node) entry['mode'] = node.mode;
  if ('namespaceURI' in node) entry['ns'] = node.namespaceURI;
  if ('attrs' in node) entry['attrs'] = node.attrs;
  if ('value' in node) entry['value'] = node.value;
  if ('data' in node) entry['data'] = node.data;
  if ('publicId' in node) entry['ids'] = [node.name, node.publicId, node.systemId];
  if ('content' in node) entry['content'] = describeTree(node.content as Node);
  if ('childNodes' in node) entry['children'] = node.childNodes.map((child) => describeTree(child));
  return entry;
}

function differs(html: string): boolean {
  return JSON.stringify(describeTree(parseDocument(html))) !== JSON.stringify(describeTree(parse(html)));
}

describe('parseDocument builds the tree parse5.parse builds', () => {
  test('on hand-picked markup: plain tags and their near misses, foreign content, tables, templates, references', () => {
    const cases = [
      '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>T &amp; U</title></head><body><p class="a" id="b">x</p></body></html>',
      '<a href="/1"\n title="x" >one</a \n><a href="/2" href="/dup">two</a><br/><a  href="/3">three</a><a href="/4"title="t">four</a>',
      '<A HREF="/5" data-x>five</A><a href="/6&amp;7">six</a><a href=\'/8\'>eight</a><a href="/9"\t>nine</a><a href="/10" / >ten</a>',
      '<svg viewBox="0 0 1 1"><foreignObject><p>in</p></foreignObject><path d="M0 0"/></svg><math><mi>x</mi></math>',
      '<table><tr><td>a<td>b</table><table><a href="/f">fostered</a><tr><td>c</td></tr></table>',
      '<template><li>t</li></template><select><option>o</select><textarea>\n<b>raw</b></textarea><script>if (a<b) x();</script>',
      '<p><b><a href="/m">one</p>two</a><!-- comment --><x-el attr="v">custom</x-el>',
    ];
    expect(cases.filter(differs)).toEqual([]);
  });

  test('on random documents, tag soup and tidy', () => {
    const failed: number[] = [];
    for (let seed = 9_000_000; seed < 9_001_500; seed++) if (differs(randomHtml(seed, seed % 2 === 0 ? 'soup' : 'tidy').join(''))) failed.push(seed);
    expect(failed.slice(0, 10), `${failed.length} documents differ; randomHtml(seed, even ? 'soup' : 'tidy')`).toEqual([]);
  });

  test('on generated benchmark pages', () => {
    const pages = samplePages({ pages: 20_000, seed: 1, sample: 40 });
    expect(pages.filter(differs)).toHaveLength(0);
  });

  const postgresDocs = '/usr/share/doc/postgresql-doc-15/html';
  test.skipIf(!existsSync(postgresDocs))('on the PostgreSQL manual', () => {
    const files = readdirSync(postgresDocs).filter((file) => file.endsWith('.html')).sort().filter((_, index) => index % 4 === 0);
    expect(files.filter((file) => differs(readFileSync(join(postgresDocs, file), 'utf8')))).toEqual([]);
  });
});
