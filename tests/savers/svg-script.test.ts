import { hasSvgScript } from '../../src/savers/svg-script.js';
import { describe, expect, test } from '../helpers/fixtures.js';
import { scriptedSvg, svg } from '../helpers/images.js';

const wrap = (inner: string, attributes = '') => `<svg xmlns="http://www.w3.org/2000/svg"${attributes}>${inner}</svg>`;

describe('hasSvgScript', () => {
  test.each<[string, string]>([
    ['a <script> element', wrap('<script>alert(1)</script>')],
    ['a <script> with attributes and CDATA', wrap('<script type="application/ecmascript"><![CDATA[alert(1)]]></script>')],
    ['a self-closing <script href>', wrap('<script href="x.js"/>')],
    ['a prefixed <svg:script>', '<svg:svg xmlns:svg="http://www.w3.org/2000/svg"><svg:script>alert(1)</svg:script></svg:svg>'],
    ['an XHTML <h:script>', wrap('<h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script>')],
    ['an upper-case <SCRIPT>', wrap('<SCRIPT>alert(1)</SCRIPT>')],
    ['an onload attribute on the root', wrap('<rect/>', ' onload="alert(1)"')],
    ['an onclick attribute with spaces around =', wrap('<rect onclick = "alert(1)"/>')],
    ['an onmouseover attribute after a quote', wrap(`<rect width='1'/onmouseover='alert(1)'/>`)],
    ['a javascript: href', wrap('<a href="javascript:alert(1)"><rect/></a>')],
    ['a javascript: xlink:href', wrap('<a xmlns:xlink="http://www.w3.org/1999/xlink" xlink:href="JavaScript:alert(1)"><rect/></a>')],
    ['a javascript: URL with a tab inside', wrap('<a href="java\tscript:alert(1)"><rect/></a>')],
    ['a javascript: URL written with character references', wrap('<a href="&#106;ava&#x73;cript&colon;alert(1)"><rect/></a>')],
    ['a javascript: URL written by <set>', wrap('<a><set attributeName="href" to="javascript:alert(1)"/><rect/></a>')],
    ['a vbscript: URL', wrap('<a href="vbscript:msgbox(1)"><rect/></a>')],
    ['a <foreignObject>', wrap('<foreignObject width="10" height="10"><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>')],
    ['an <iframe>', wrap('<iframe xmlns="http://www.w3.org/1999/xhtml" src="x.html"/>')],
    ['an <embed>', wrap('<embed xmlns="http://www.w3.org/1999/xhtml" src="x.swf"/>')],
    ['an entity that expands into a <script>', `<!DOCTYPE svg [<!ENTITY s "&#60;script&#62;alert(1)&#60;/script&#62;">]>${wrap('&s;')}`],
    ['a double-encoded <script>', wrap('&amp;#60;script>alert(1)&amp;#60;/script>')],
    ['an XSLT stylesheet', `<?xml-stylesheet type="text/xsl" href="x.xsl"?>${wrap('<rect/>')}`],
  ])('finds %s', (_name, text) => {
    expect(hasSvgScript(Buffer.from(text))).toBe(true);
  });

  test.each<[string, string]>([
    ['a plain shape', wrap('<rect width="10" height="10" fill="red"/>')],
    ['a link to an http URL', wrap('<a href="https://example.com/"><rect/></a>')],
    ['an <a> with a title', wrap('<a href="#x"><title>on the left</title><rect/></a>')],
    ['a CSS stylesheet', `<?xml-stylesheet type="text/css" href="x.css"?>${wrap('<rect/>')}`],
    ['a <style> with a font named Onyx', wrap('<style>text{font-family:Onyx}</style><text>online</text>')],
    ['character references that make nothing', wrap('<text>a &lt; b &amp; c &#62; d</text>')],
    ['a description that mentions scripts', wrap('<desc>no scripts here; javascript is not used</desc>')],
    ['attributes that start with "on" inside a word', wrap('<rect data-icon="x" font="y" horizon="z"/>')],
  ])('finds nothing in %s', (_name, text) => {
    expect(hasSvgScript(Buffer.from(text))).toBe(false);
  });

  test('reads UTF-16 files with a BOM', () => {
    const text = wrap('<script>alert(1)</script>');
    expect(hasSvgScript(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]))).toBe(true);
    expect(hasSvgScript(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]))).toBe(true);
    expect(hasSvgScript(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(wrap('<rect/>'), 'utf16le')]))).toBe(false);
  });

  test('the test images: scriptedSvg has script, svg has none', () => {
    expect(hasSvgScript(scriptedSvg(4, 4))).toBe(true);
    expect(hasSvgScript(svg(4, 4))).toBe(false);
  });
});
