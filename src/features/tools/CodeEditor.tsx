import { javascript } from '@codemirror/lang-javascript';
import { json } from '@codemirror/lang-json';
import { linter, lintGutter, type Diagnostic } from '@codemirror/lint';
import type { EditorView } from '@codemirror/view';
import CodeMirror from '@uiw/react-codemirror';
import { useMemo } from 'react';
import type { Problem } from '../../lib/tools/tool-definition';

interface Props {
  label: string;
  language: 'json' | 'javascript';
  value: string;
  onChange: (v: string) => void;
  check: (text: string) => Problem[];
  minHeight?: string;
}

/** CodeMirror with the app's own validation shown as line diagnostics. */
export function CodeEditor({
  label,
  language,
  value,
  onChange,
  check,
  minHeight = '120px',
}: Props) {
  const extensions = useMemo(() => {
    const lint = linter(
      (view: EditorView): Diagnostic[] =>
        check(view.state.doc.toString()).map((p) => {
          const line = view.state.doc.line(
            Math.min(Math.max(p.line ?? 1, 1), view.state.doc.lines),
          );
          return { from: line.from, to: line.to, severity: 'error', message: p.message };
        }),
      { delay: 250 },
    );
    return [language === 'json' ? json() : javascript(), lint, lintGutter()];
  }, [language, check]);

  return (
    <div className="code-editor" aria-label={label} role="group">
      <CodeMirror
        value={value}
        onChange={onChange}
        extensions={extensions}
        theme="dark"
        minHeight={minHeight}
        basicSetup={{
          bracketMatching: true,
          closeBrackets: true,
          foldGutter: false,
          highlightActiveLine: true,
        }}
        aria-label={label}
      />
    </div>
  );
}
