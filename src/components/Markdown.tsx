import type { Element, ElementContent, Root, RootContent } from 'hast';
import ReactMarkdown from 'react-markdown';
import remarkGfm from 'remark-gfm';

interface Props {
  text: string;
  /**
   * Marks the first `length` characters of the source (e.g. the start of a reply the user wrote)
   * with a highlighted `<mark>` carrying `title`.
   */
  markPrefix?: { length: number; title: string };
}

/**
 * Model output and pasted text are untrusted: react-markdown builds React elements (no
 * innerHTML), raw HTML in the source is shown as text because no raw-HTML plugin is enabled, and
 * its default URL filter drops `javascript:` and other unsafe link targets.
 */
export function Markdown({ text, markPrefix }: Props) {
  return (
    <div className="markdown">
      <ReactMarkdown
        remarkPlugins={[remarkGfm]}
        rehypePlugins={
          markPrefix && markPrefix.length > 0
            ? [[rehypeMarkPrefix, { ...markPrefix, source: text }]]
            : []
        }
        skipHtml={false}
        components={{
          a: ({ href, children }) => (
            <a href={href} target="_blank" rel="noopener noreferrer nofollow">
              {children}
            </a>
          ),
          img: ({ alt }) => <span className="md-img">[image: {alt}]</span>,
        }}
      >
        {text}
      </ReactMarkdown>
    </div>
  );
}

/**
 * A rehype plugin: wraps every text node, or the part of it, that comes from source offsets below
 * `length` in a `<mark>`. A text node's source offset is its own position when its value is a
 * plain copy of the source; otherwise (code blocks, escapes) the value is looked up in the source
 * from the nearest known position, and marked whole if it cannot be found there.
 */
function rehypeMarkPrefix({
  length,
  title,
  source,
}: {
  length: number;
  title: string;
  source: string;
}) {
  const mark = (value: string): Element => ({
    type: 'element',
    tagName: 'mark',
    properties: { className: ['prefill'], title },
    children: [{ type: 'text', value }],
  });
  const walk = (node: Root | Element, from: number) => {
    const out: (RootContent | ElementContent)[] = [];
    for (const child of node.children) {
      const start = child.position?.start.offset;
      if (child.type === 'element') walk(child, start ?? from);
      if (child.type !== 'text' || (start ?? from) >= length) {
        out.push(child);
        continue;
      }
      const plain =
        start !== undefined && child.position?.end.offset === start + child.value.length;
      const found = plain ? start : source.indexOf(child.value, start ?? from);
      const cut = length - found;
      if (found < 0 || cut >= child.value.length) out.push(mark(child.value));
      else if (cut > 0)
        out.push(mark(child.value.slice(0, cut)), { ...child, value: child.value.slice(cut) });
      else out.push(child);
    }
    node.children = out as typeof node.children;
  };
  return (tree: Root) => walk(tree, 0);
}
