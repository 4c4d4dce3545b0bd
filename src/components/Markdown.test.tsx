import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Markdown } from './Markdown';

const render = (text: string) => renderToStaticMarkup(<Markdown text={text} />);

describe('Markdown never injects HTML or script from model output', () => {
  it('renders markdown structure', () => {
    const html = render('# Title\n\n- **bold** item\n\n`code`');
    expect(html).toContain('<h1>Title</h1>');
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('<code>code</code>');
  });

  it('shows raw HTML as text, never as elements', () => {
    const html = render('<script>alert(1)</script><img src=x onerror="alert(1)"><b>x</b>');
    expect(html).not.toMatch(/<script|<img|<b>/i);
    expect(html).toContain('&lt;script&gt;');
  });

  it('drops javascript: links and keeps safe ones, opening in a new tab without opener', () => {
    const html = render('[bad](javascript:alert(1)) [good](https://example.com)');
    expect(html).not.toContain('javascript:');
    expect(html).toContain('href="https://example.com"');
    expect(html).toContain('rel="noopener noreferrer nofollow"');
  });

  it('does not load remote images', () => {
    const html = render('![tracker](https://evil.example/pixel.png)');
    expect(html).not.toContain('<img');
    expect(html).toContain('[image: tracker]');
  });
});

describe('Markdown marks the start of a reply the user wrote', () => {
  const mark = (text: string, length: number) =>
    renderToStaticMarkup(<Markdown text={text} markPrefix={{ length, title: 'You wrote this' }} />);

  it('wraps exactly the prefix and keeps the text whole', () => {
    const html = mark('Hello! How can I help?', 6);
    expect(html).toContain(
      '<mark class="prefill" title="You wrote this">Hello!</mark> How can I help?',
    );
  });

  it('marks across markdown structure and inside code', () => {
    const html = mark('**Sure**, here:\n\n```json\n{"name": "x"}\n```', 20);
    expect(html).toContain(
      '<strong><mark class="prefill" title="You wrote this">Sure</mark></strong>',
    );
    expect(html).toContain('<mark class="prefill" title="You wrote this">, here:</mark>');
    expect(html).not.toContain('"name"</mark>');
  });

  it('marks nothing without a prefix', () => {
    expect(mark('Hello', 0)).not.toContain('<mark');
  });
});

describe('Markdown marks a prefix inside a code block', () => {
  it('finds the code text in the source', () => {
    const html = renderToStaticMarkup(
      <Markdown text={'```json\n{"name": "x"}\n```'} markPrefix={{ length: 17, title: 't' }} />,
    );
    expect(html).toContain(
      '<code class="language-json"><mark class="prefill" title="t">{&quot;name&quot;: </mark>&quot;x&quot;}',
    );
  });
});
