// The RFC 9309 cases (`ID_` tests) of Google's robots.txt test suite, written as tables: google/robotstxt,
// robots_test.cc (https://github.com/google/robotstxt), Copyright 2019 Google LLC, Apache License 2.0
// (https://www.apache.org/licenses/LICENSE-2.0). Expected answers are Google's except where RFC 9309 2.2.2 says
// otherwise (marked RFC); Google-only cases (index.html, line length, invalid agent names) are left out.
import { describe, expect, test } from 'vitest';
import { normalizeRobotsPath, parseRobotsTxt } from '../../src/crawler/robots-rules.js';
import { productToken, rulesFrom } from '../../src/crawler/robots.js';

/** Google's `OneAgentAllowedByRobots`: the agent's own groups, else the `*` group. */
function allowed(robotsTxt: string, agent: string, url: string): boolean {
  const origin = new URL(url).origin;
  return rulesFrom(`${origin}/robots.txt`, { status: 200, body: robotsTxt }, [productToken(agent)]).isAllowed(url);
}

type Case = [url: string, agent: string, expected: boolean];

const GROUPS = [
  'allow: /foo/bar/',
  '',
  'user-agent: FooBot',
  'disallow: /',
  'allow: /x/',
  'user-agent: BarBot',
  'disallow: /',
  'allow: /y/',
  '',
  '',
  'allow: /w/',
  'user-agent: BazBot',
  '',
  'user-agent: FooBot',
  'allow: /z/',
  'disallow: /',
].join('\n');

const TABLES: Array<[name: string, robotsTxt: string, cases: Case[]]> = [
  ['ID_LineSyntax_Line: key: value', 'user-agent: FooBot\ndisallow: /\n', [['http://foo.bar/x/y', 'FooBot', false]]],
  ['ID_LineSyntax_Line: unknown keys are ignored', 'foo: FooBot\nbar: /\n', [['http://foo.bar/x/y', 'FooBot', true]]],
  ['ID_LineSyntax_Line: a missing colon is assumed', 'user-agent FooBot\ndisallow /\n', [['http://foo.bar/x/y', 'FooBot', false]]],
  [
    'ID_LineSyntax_Groups: groups end at the next user-agent line, same agents merge, rules outside groups are ignored',
    GROUPS,
    [
      ['http://foo.bar/x/b', 'FooBot', true],
      ['http://foo.bar/z/d', 'FooBot', true],
      ['http://foo.bar/y/c', 'FooBot', false],
      ['http://foo.bar/y/c', 'BarBot', true],
      ['http://foo.bar/w/a', 'BarBot', true],
      ['http://foo.bar/z/d', 'BarBot', false],
      ['http://foo.bar/z/d', 'BazBot', true],
      ['http://foo.bar/foo/bar/', 'FooBot', false],
      ['http://foo.bar/foo/bar/', 'BarBot', false],
      ['http://foo.bar/foo/bar/', 'BazBot', false],
    ],
  ],
  ...(['USER-AGENT: FooBot\nALLOW: /x/\nDISALLOW: /\n', 'user-agent: FooBot\nallow: /x/\ndisallow: /\n', 'uSeR-aGeNt: FooBot\nAlLoW: /x/\ndIsAlLoW: /\n'].map(
    (robotsTxt): [string, string, Case[]] => [
      `ID_REPLineNamesCaseInsensitive: ${robotsTxt.split('\n')[0]}`,
      robotsTxt,
      [
        ['http://foo.bar/x/y', 'FooBot', true],
        ['http://foo.bar/a/b', 'FooBot', false],
      ],
    ],
  )),
  ...(['FOO BAR', 'foo bar', 'FoO bAr'].map((value): [string, string, Case[]] => [
    `ID_UserAgentValueCaseInsensitive: ${value}`,
    `User-Agent: ${value}\nAllow: /x/\nDisallow: /\n`,
    [
      ['http://foo.bar/x/y', 'Foo', true],
      ['http://foo.bar/a/b', 'Foo', false],
      ['http://foo.bar/x/y', 'foo', true],
      ['http://foo.bar/a/b', 'foo', false],
    ],
  ])),
  ['ID_GlobalGroups_Secondary: an empty file', '', [['http://foo.bar/x/y', 'FooBot', true]]],
  [
    'ID_GlobalGroups_Secondary: * applies only to agents without a group',
    'user-agent: *\nallow: /\nuser-agent: FooBot\ndisallow: /\n',
    [
      ['http://foo.bar/x/y', 'FooBot', false],
      ['http://foo.bar/x/y', 'BarBot', true],
    ],
  ],
  [
    'ID_GlobalGroups_Secondary: no group and no * group: no rule applies',
    'user-agent: FooBot\nallow: /\nuser-agent: BarBot\ndisallow: /\nuser-agent: BazBot\ndisallow: /\n',
    [['http://foo.bar/x/y', 'QuxBot', true]],
  ],
  ['ID_AllowDisallow_Value_CaseSensitive: lower case', 'user-agent: FooBot\ndisallow: /x/\n', [['http://foo.bar/x/y', 'FooBot', false]]],
  ['ID_AllowDisallow_Value_CaseSensitive: upper case', 'user-agent: FooBot\ndisallow: /X/\n', [['http://foo.bar/x/y', 'FooBot', true]]],
  ['ID_LongestMatch: the longer Disallow wins', 'user-agent: FooBot\ndisallow: /x/page.html\nallow: /x/\n', [['http://foo.bar/x/page.html', 'FooBot', false]]],
  [
    'ID_LongestMatch: the longer Allow wins',
    'user-agent: FooBot\nallow: /x/page.html\ndisallow: /x/\n',
    [
      ['http://foo.bar/x/page.html', 'FooBot', true],
      ['http://foo.bar/x/', 'FooBot', false],
    ],
  ],
  ['ID_LongestMatch: empty Allow and Disallow', 'user-agent: FooBot\ndisallow: \nallow: \n', [['http://foo.bar/x/page.html', 'FooBot', true]]],
  ['ID_LongestMatch: equal patterns, Allow wins', 'user-agent: FooBot\ndisallow: /\nallow: /\n', [['http://foo.bar/x/page.html', 'FooBot', true]]],
  [
    'ID_LongestMatch: /x and /x/',
    'user-agent: FooBot\ndisallow: /x\nallow: /x/\n',
    [
      ['http://foo.bar/x', 'FooBot', false],
      ['http://foo.bar/x/', 'FooBot', true],
    ],
  ],
  ['ID_LongestMatch: equal long patterns, Allow wins', 'user-agent: FooBot\ndisallow: /x/page.html\nallow: /x/page.html\n', [['http://foo.bar/x/page.html', 'FooBot', true]]],
  [
    'ID_LongestMatch: a longer wildcard pattern wins',
    'user-agent: FooBot\nallow: /page\ndisallow: /*.html\n',
    [
      ['http://foo.bar/page.html', 'FooBot', false],
      ['http://foo.bar/page', 'FooBot', true],
    ],
  ],
  [
    'ID_LongestMatch: a longer literal pattern wins over a wildcard',
    'user-agent: FooBot\nallow: /x/page.\ndisallow: /*.html\n',
    [
      ['http://foo.bar/x/page.html', 'FooBot', true],
      ['http://foo.bar/x/y.html', 'FooBot', false],
    ],
  ],
  [
    'ID_LongestMatch: the agent group replaces the * group',
    'User-agent: *\nDisallow: /x/\nUser-agent: FooBot\nDisallow: /y/\n',
    [
      ['http://foo.bar/x/page', 'FooBot', true],
      ['http://foo.bar/y/page', 'FooBot', false],
    ],
  ],
  [
    'ID_Encoding: a query with a URL stays unencoded',
    'User-agent: FooBot\nDisallow: /\nAllow: /foo/bar?qux=taz&baz=http://foo.bar?tar&par\n',
    [['http://foo.bar/foo/bar?qux=taz&baz=http://foo.bar?tar&par', 'FooBot', true]],
  ],
  [
    'ID_Encoding: a UTF-8 pattern is percent-encoded (RFC: so is the URL, as WHATWG URLs are)',
    'User-agent: FooBot\nDisallow: /\nAllow: /foo/bar/ツ\n',
    [
      ['http://foo.bar/foo/bar/%E3%83%84', 'FooBot', true],
      ['http://foo.bar/foo/bar/ツ', 'FooBot', true],
    ],
  ],
  [
    'ID_Encoding: a percent-encoded pattern (RFC: the URL is encoded before comparing)',
    'User-agent: FooBot\nDisallow: /\nAllow: /foo/bar/%E3%83%84\n',
    [
      ['http://foo.bar/foo/bar/%E3%83%84', 'FooBot', true],
      ['http://foo.bar/foo/bar/ツ', 'FooBot', true],
    ],
  ],
  [
    'ID_Encoding: encoded unreserved characters (RFC 9309 2.2.2: decoded before comparing, unlike Google)',
    'User-agent: FooBot\nDisallow: /\nAllow: /foo/bar/%62%61%7A\n',
    [
      ['http://foo.bar/foo/bar/baz', 'FooBot', true],
      ['http://foo.bar/foo/bar/%62%61%7A', 'FooBot', true],
    ],
  ],
  [
    'ID_SpecialCharacters: * matches any run of characters',
    'User-agent: FooBot\nDisallow: /foo/bar/quz\nAllow: /foo/*/qux\n',
    [
      ['http://foo.bar/foo/bar/quz', 'FooBot', false],
      ['http://foo.bar/foo/quz', 'FooBot', true],
      ['http://foo.bar/foo//quz', 'FooBot', true],
      ['http://foo.bar/foo/bax/quz', 'FooBot', true],
    ],
  ],
  [
    'ID_SpecialCharacters: $ ends the pattern',
    'User-agent: FooBot\nDisallow: /foo/bar$\nAllow: /foo/bar/qux\n',
    [
      ['http://foo.bar/foo/bar', 'FooBot', false],
      ['http://foo.bar/foo/bar/qux', 'FooBot', true],
      ['http://foo.bar/foo/bar/', 'FooBot', true],
      ['http://foo.bar/foo/bar/baz', 'FooBot', true],
    ],
  ],
  [
    'ID_SpecialCharacters: # starts a comment',
    'User-agent: FooBot\n# Disallow: /\nDisallow: /foo/quz#qux\nAllow: /\n',
    [
      ['http://foo.bar/foo/bar', 'FooBot', true],
      ['http://foo.bar/foo/quz', 'FooBot', false],
    ],
  ],
  ...(['\n', '\r\n', '\r'].map((eol): [string, string, Case[]] => [
    `ID_LinesNumbersAreCountedCorrectly: lines end with ${JSON.stringify(eol)}`,
    ['User-Agent: foo', 'Allow: /some/path', 'User-Agent: bar', '', '', 'Disallow: /'].join(eol),
    [
      ['http://foo.bar/some/path', 'foo', true],
      ['http://foo.bar/other', 'foo', true],
      ['http://foo.bar/some/path', 'bar', false],
    ],
  ])),
  ['ID_UTF8ByteOrderMarkIsSkipped', '\ufeffUser-Agent: foo\nDisallow: /AnyValue\n', [['http://foo.bar/AnyValue', 'foo', false]]],
  // Google's documentation checks (robots_test.cc GoogleOnly_DocumentationChecks): RFC 9309 matching, written by Google.
  [
    'documentation: /fish',
    'user-agent: FooBot\ndisallow: /\nallow: /fish\n',
    [
      ['http://foo.bar/bar', 'FooBot', false],
      ['http://foo.bar/fish', 'FooBot', true],
      ['http://foo.bar/fish.html', 'FooBot', true],
      ['http://foo.bar/fish/salmon.html', 'FooBot', true],
      ['http://foo.bar/fishheads', 'FooBot', true],
      ['http://foo.bar/fishheads/yummy.html', 'FooBot', true],
      ['http://foo.bar/fish.html?id=anything', 'FooBot', true],
      ['http://foo.bar/Fish.asp', 'FooBot', false],
      ['http://foo.bar/catfish', 'FooBot', false],
      ['http://foo.bar/?id=fish', 'FooBot', false],
    ],
  ],
  [
    'documentation: /fish* equals /fish',
    'user-agent: FooBot\ndisallow: /\nallow: /fish*\n',
    [
      ['http://foo.bar/bar', 'FooBot', false],
      ['http://foo.bar/fish', 'FooBot', true],
      ['http://foo.bar/fishheads/yummy.html', 'FooBot', true],
      ['http://foo.bar/fish.html?id=anything', 'FooBot', true],
      ['http://foo.bar/Fish.bar', 'FooBot', false],
      ['http://foo.bar/catfish', 'FooBot', false],
    ],
  ],
  [
    'documentation: /fish/ is not /fish',
    'user-agent: FooBot\ndisallow: /\nallow: /fish/\n',
    [
      ['http://foo.bar/fish/', 'FooBot', true],
      ['http://foo.bar/fish/?salmon', 'FooBot', true],
      ['http://foo.bar/fish', 'FooBot', false],
      ['http://foo.bar/fish.html', 'FooBot', false],
      ['http://foo.bar/Fish/Salmon.html', 'FooBot', false],
    ],
  ],
  [
    'documentation: /*.php',
    'user-agent: FooBot\ndisallow: /\nallow: /*.php\n',
    [
      ['http://foo.bar/bar', 'FooBot', false],
      ['http://foo.bar/filename.php', 'FooBot', true],
      ['http://foo.bar/folder/filename.php?parameters', 'FooBot', true],
      ['http://foo.bar//folder/any.php.file.html', 'FooBot', true],
      ['http://foo.bar/filename.php/', 'FooBot', true],
      ['http://foo.bar/index?f=filename.php/', 'FooBot', true],
      ['http://foo.bar/php/', 'FooBot', false],
      ['http://foo.bar/index?php', 'FooBot', false],
      ['http://foo.bar/windows.PHP', 'FooBot', false],
    ],
  ],
  [
    'documentation: /*.php$',
    'user-agent: FooBot\ndisallow: /\nallow: /*.php$\n',
    [
      ['http://foo.bar/filename.php', 'FooBot', true],
      ['http://foo.bar/folder/filename.php', 'FooBot', true],
      ['http://foo.bar/filename.php?parameters', 'FooBot', false],
      ['http://foo.bar/filename.php/', 'FooBot', false],
      ['http://foo.bar/filename.php5', 'FooBot', false],
      ['http://foo.bar/php/', 'FooBot', false],
      ['http://foo.bar/filename?php', 'FooBot', false],
      ['http://foo.bar/aaaphpaaa', 'FooBot', false],
      ['http://foo.bar//windows.PHP', 'FooBot', false],
    ],
  ],
  [
    'documentation: /fish*.php',
    'user-agent: FooBot\ndisallow: /\nallow: /fish*.php\n',
    [
      ['http://foo.bar/bar', 'FooBot', false],
      ['http://foo.bar/fish.php', 'FooBot', true],
      ['http://foo.bar/fishheads/catfish.php?parameters', 'FooBot', true],
      ['http://foo.bar/Fish.PHP', 'FooBot', false],
    ],
  ],
  ['documentation: precedence, /p', 'user-agent: FooBot\nallow: /p\ndisallow: /\n', [['http://example.com/page', 'FooBot', true]]],
  ['documentation: precedence, same folder', 'user-agent: FooBot\nallow: /folder\ndisallow: /folder\n', [['http://example.com/folder/page', 'FooBot', true]]],
  ['documentation: precedence, /*.htm', 'user-agent: FooBot\nallow: /page\ndisallow: /*.htm\n', [['http://example.com/page.htm', 'FooBot', false]]],
  [
    'documentation: precedence, /$',
    'user-agent: FooBot\nallow: /$\ndisallow: /\n',
    [
      ['http://example.com/', 'FooBot', true],
      ['http://example.com/page.html', 'FooBot', false],
    ],
  ],
];

describe.each(TABLES)('%s', (_name, robotsTxt, cases) => {
  test.each(cases)('%s as %s: allowed %s', (url, agent, expected) => {
    expect(allowed(robotsTxt, agent, url)).toBe(expected);
  });
});

describe('RFC 9309 2.2.4: other records do not end a group', () => {
  test.each([
    ['Sitemap', 'Sitemap: https://foo.bar/sitemap.xml'],
    ['Crawl-delay', 'Crawl-delay: 5'],
    ['an unknown record', 'Noindex: /x'],
    ['a comment and a blank line', '# BarBot and FooBot share this group\n'],
  ])('%s between two User-agent lines', (_name, line) => {
    const robotsTxt = `User-agent: BarBot\n${line}\nUser-agent: FooBot\nDisallow: /\n`;
    expect(allowed(robotsTxt, 'BarBot', 'http://foo.bar/page')).toBe(false);
    expect(allowed(robotsTxt, 'FooBot', 'http://foo.bar/page')).toBe(false);
    expect(allowed(robotsTxt, 'OtherBot', 'http://foo.bar/page')).toBe(true);
  });

  test('a Crawl-delay between the User-agent lines applies to both agents', () => {
    const parsed = parseRobotsTxt('User-agent: BarBot\nCrawl-delay: 5\nUser-agent: FooBot\nDisallow: /\n');
    expect(Object.fromEntries(parsed.crawlDelays)).toEqual({ barbot: 5, foobot: 5 });
  });
});

describe('matching', () => {
  test.each<[string, string, string, boolean]>([
    ['%2A in a pattern is a literal *', '/path/file-with-a-%2A.html', '/path/file-with-a-*.html', false],
    ['%24 in a pattern is a literal $', '/path/foo-%24', '/path/foo-$', false],
    ['a literal * in a pattern is a wildcard', '/path/*.html', '/path/anything.html', false],
    ['lower-case hex in a pattern matches upper-case hex in the URL', '/a%3cb', '/a%3Cb', false],
    ['a raw space in a pattern matches %20', '/a b', '/a%20b', false],
    ['a $ inside a pattern is an ordinary character', '/a$b', '/a$b', false],
    ['** is *', '/a**b$', '/a-x-b', false],
    ['*$ is *', '/a*$', '/a/anything', false],
    ['an anchored pattern does not match a longer path', '/a*b$', '/a-b-c', true],
    ['the query is part of the path', '/*?session=', '/list?session=1', false],
    ['/robots.txt is always allowed', '/', '/robots.txt', true],
  ])('%s', (_name, pattern, path, expected) => {
    expect(allowed(`User-agent: *\nDisallow: ${pattern}\n`, 'sitecrawl', `http://foo.bar${path}`)).toBe(expected);
  });

  test.each([
    ['/a/b', '/a/b'],
    ['/%7euser/%41', '/~user/A'],
    ['/a%2fb', '/a%2Fb'],
    ['/ä', '/%C3%A4'],
    ['/😀', '/%F0%9F%98%80'],
    ['/100%', '/100%'],
  ])('normalizeRobotsPath(%j) is %j', (input, expected) => {
    expect(normalizeRobotsPath(input)).toBe(expected);
  });

  test('many rules with shared prefixes: the longest match decides whatever the order', () => {
    const lines = ['User-agent: *'];
    for (let index = 0; index < 2000; index++) lines.push(`Disallow: /c${index % 50}/i${index}/`, `Allow: /c${index % 50}/i${index}/open`);
    lines.push('Disallow: /*.pdf$', 'Allow: /c7/i7/open/*.pdf$');
    const robotsTxt = lines.join('\n');
    expect(allowed(robotsTxt, 'sitecrawl', 'http://foo.bar/c7/i7/x')).toBe(false);
    expect(allowed(robotsTxt, 'sitecrawl', 'http://foo.bar/c7/i7/open-x')).toBe(true);
    expect(allowed(robotsTxt, 'sitecrawl', 'http://foo.bar/c7/i1999/x')).toBe(true);
    expect(allowed(robotsTxt, 'sitecrawl', 'http://foo.bar/c49/i1999/x')).toBe(false);
    expect(allowed(robotsTxt, 'sitecrawl', 'http://foo.bar/other/x.pdf')).toBe(false);
    expect(allowed(robotsTxt, 'sitecrawl', 'http://foo.bar/c7/i7/open/x.pdf')).toBe(true);
    expect(allowed(robotsTxt, 'sitecrawl', 'http://foo.bar/c7/i7/open/x.pdf?v=2')).toBe(true);
  });
});
