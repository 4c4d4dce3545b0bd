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
