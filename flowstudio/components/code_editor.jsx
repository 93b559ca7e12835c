// A Python code editor for the inspector (CodeMirror 6 through @uiw/react-codemirror): syntax highlighting,
// line numbers, bracket matching, Tab indents. The text lives in the browser while typing; Python gets it
// (onChange) after a pause in typing and on blur. A new `value` from Python replaces the text only while
// the editor is not focused, so a round trip never eats keystrokes; give each node its own `key`.
import React, { useCallback, useEffect, useMemo, useRef, useState } from "react";
import CodeMirror from "@uiw/react-codemirror";
import { python } from "@codemirror/lang-python";
import { indentUnit } from "@codemirror/language";
import { EditorView, keymap } from "@codemirror/view";
import { indentWithTab } from "@codemirror/commands";

export function CodeEditor({ value, onChange, height = "240px", debounce = 400, placeholder, testid }) {
  const [text, setText] = useState(value ?? "");
  const focused = useRef(false);
  const sent = useRef(value ?? "");
  const timer = useRef(null);

  useEffect(() => {
    if (!focused.current && (value ?? "") !== text) {
      setText(value ?? "");
      sent.current = value ?? "";
    }
  }, [value]);

  const flush = useCallback((current) => {
    clearTimeout(timer.current);
    if (current !== sent.current) {
      sent.current = current;
      onChange && onChange(current);
    }
  }, [onChange]);

  const handleChange = useCallback((next) => {
    setText(next);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => flush(next), debounce);
  }, [flush, debounce]);

  useEffect(() => () => clearTimeout(timer.current), []);

  const extensions = useMemo(() => [
    python(), indentUnit.of("    "), keymap.of([indentWithTab]), EditorView.lineWrapping,
  ], []);

  return (
    <div data-testid={testid || "code-editor"} style={{ border: "1px solid var(--gray-a7)", borderRadius: 6,
                                                        overflow: "hidden", fontSize: 12.5 }}>
      <CodeMirror
        value={text}
        height={height}
        extensions={extensions}
        placeholder={placeholder}
        basicSetup={{ lineNumbers: true, foldGutter: false, highlightActiveLine: true, autocompletion: false,
                      closeBrackets: false, indentOnInput: true, tabSize: 4 }}
        onChange={handleChange}
        onFocus={() => { focused.current = true; }}
        onBlur={() => { focused.current = false; flush(text); }}
      />
    </div>
  );
}
