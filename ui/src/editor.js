// The query bar: a CodeMirror 6 editor with LogQL highlighting and errors, completion of label
// names and values from the store (plus LogQL keywords), and Ctrl/Cmd+Enter to run.
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { EditorState, Prec } from '@codemirror/state';
import { EditorView, keymap, placeholder } from '@codemirror/view';
import { lintKeymap } from '@codemirror/lint';
import { logql, logqlLinter } from './logql.js';

const WORDS = ['json', 'logfmt', 'unpack', 'pattern', 'regexp', 'line_format', 'label_format', 'decolorize',
  'drop', 'keep', 'unwrap', 'count_over_time', 'rate', 'bytes_over_time', 'bytes_rate', 'sum_over_time',
  'avg_over_time', 'max_over_time', 'min_over_time', 'quantile_over_time', 'absent_over_time', 'sum', 'avg',
  'count', 'max', 'min', 'topk', 'bottomk', 'sort', 'sort_desc', 'by', 'without'];

// `labels` is { names(): Promise<string[]>, values(name): Promise<string[]> }.
function completionSource(labels) {
  return async (ctx) => {
    const before = ctx.state.sliceDoc(0, ctx.pos);
    const value = /([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)$/.exec(before);
    if (value && insideBraces(before)) {
      const vals = await labels.values(value[1]);
      return { from: ctx.pos - value[3].length, validFor: /^[^"]*$/,
        options: vals.map((v) => ({ label: v, type: 'text', apply: v.replace(/\\/g, '\\\\').replace(/"/g, '\\"') })) };
    }
    const name = /(?:[{,(]\s*)([A-Za-z_][A-Za-z0-9_]*)?$/.exec(before);
    if (name && (insideBraces(before) || /\b(by|without)\s*\([^)]*$/.test(before))) {
      const names = await labels.names();
      return { from: ctx.pos - (name[1] || '').length, validFor: /^[A-Za-z0-9_]*$/,
        options: names.map((n) => ({ label: n, type: 'property' })) };
    }
    const word = ctx.matchBefore(/[a-z_]+/);
    if (!word || (word.from === word.to && !ctx.explicit)) return null;
    return { from: word.from, options: WORDS.map((w) => ({ label: w, type: 'keyword' })) };
  };
}

function insideBraces(text) {
  const open = text.lastIndexOf('{');
  return open >= 0 && text.indexOf('}', open) < 0;
}

export function createEditor(parent, { doc, onRun, onChange, labels, dark }) {
  const run = () => { onRun(); return true; };
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        Prec.highest(keymap.of([{ key: 'Mod-Enter', run }, { key: 'Shift-Enter', run }])),
        history(), closeBrackets(), logql(), logqlLinter,
        autocompletion({ override: [completionSource(labels)], activateOnTyping: true }),
        keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, ...completionKeymap, ...lintKeymap]),
        placeholder('{job="docker"} |= "error"   (Ctrl/Cmd+Enter to run)'),
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ 'aria-label': 'LogQL query' }),
        EditorView.updateListener.of((u) => { if (u.docChanged) onChange(u.state.doc.toString()); }),
        EditorView.theme({}, { dark }),
      ],
    }),
  });
  return {
    view,
    get value() { return view.state.doc.toString(); },
    set value(v) {
      if (v !== view.state.doc.toString()) view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: v } });
    },
    focus() { view.focus(); },
  };
}
