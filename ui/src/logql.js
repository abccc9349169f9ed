// LogQL in the editor: Grafana's lezer grammar (@grafana/lezer-logql) as a CodeMirror language with
// highlighting, syntax errors as lint diagnostics, and helpers that read a query's shape.
import { LRLanguage, LanguageSupport, HighlightStyle, syntaxHighlighting, syntaxTree } from '@codemirror/language';
import { linter } from '@codemirror/lint';
import { styleTags, tags as t } from '@lezer/highlight';
import { parser } from '@grafana/lezer-logql';

const KEYWORDS = 'Json Logfmt Unpack Pattern Regexp Unwrap LabelFormat LineFormat LabelReplace Vector Offset Bool ' +
  'On Ignoring GroupLeft GroupRight Decolorize Drop Keep By Without And Or Unless Sum Avg Count Max Min Stddev ' +
  'Stdvar Bottomk Topk Sort Sort_Desc CountOverTime Rate RateCounter BytesOverTime BytesRate AvgOverTime ' +
  'SumOverTime MinOverTime MaxOverTime StddevOverTime StdvarOverTime QuantileOverTime FirstOverTime ' +
  'LastOverTime AbsentOverTime BytesConv DurationConv DurationSecondsConv Ip';

const logqlLanguage = LRLanguage.define({
  name: 'logql',
  parser: parser.configure({
    props: [styleTags({
      [KEYWORDS]: t.keyword,
      String: t.string,
      'Number Duration Bytes': t.number,
      'Matcher/Identifier': t.labelName,
      Identifier: t.variableName,
      'Eq Neq Re Nre PipeExact PipeMatch PipePattern Npa Gtr Gte Lss Lte Eql Pipe Add Sub': t.operator,
      LineComment: t.lineComment,
      '( )': t.paren,
      '{ }': t.brace,
      '[ ]': t.squareBracket,
    })],
  }),
  languageData: { commentTokens: { line: '#' } },
});

const highlight = HighlightStyle.define([
  { tag: t.keyword, color: 'var(--hl-keyword)', fontWeight: '600' },
  { tag: t.string, color: 'var(--hl-string)' },
  { tag: t.number, color: 'var(--hl-number)' },
  { tag: t.labelName, color: 'var(--hl-label)' },
  { tag: t.variableName, color: 'var(--hl-label)' },
  { tag: t.operator, color: 'var(--hl-operator)' },
  { tag: t.lineComment, color: 'var(--muted)', fontStyle: 'italic' },
]);

// Every error node of the parse tree, as "unexpected input" at its position.
export const logqlLinter = linter((view) => {
  const out = [];
  const len = view.state.doc.length;
  if (view.state.doc.toString().trim() === '') return out;
  syntaxTree(view.state).iterate({
    enter(n) {
      if (!n.type.isError) return;
      const from = Math.min(n.from, Math.max(0, len - 1));
      const to = Math.min(len, Math.max(n.to, from + 1));
      const near = view.state.doc.sliceString(from, to);
      out.push({ from, to, severity: 'error',
        message: near ? `LogQL syntax error near "${near}"` : 'LogQL syntax error: the query ends too early' });
    },
  });
  return out;
}, { delay: 300 });

export function logql() {
  return [new LanguageSupport(logqlLanguage), syntaxHighlighting(highlight)];
}

function errorsIn(tree) {
  let bad = false;
  tree.iterate({ enter(n) { if (n.type.isError) bad = true; } });
  return bad;
}

// 'log', 'metric' or 'invalid' (parse errors or empty).
export function queryKind(q) {
  if (!q.trim()) return 'invalid';
  const tree = parser.parse(q);
  if (errorsIn(tree)) return 'invalid';
  let kind = 'invalid';
  tree.iterate({
    enter(n) {
      if (kind !== 'invalid') return false;
      if (n.name === 'MetricExpr') kind = 'metric';
      else if (n.name === 'LogExpr') kind = 'log';
      return undefined;
    },
  });
  return kind;
}

// The first stream selector `{…}` of a query, or '' when it has none.
export function firstSelector(q) {
  let sel = '';
  parser.parse(q).iterate({
    enter(n) {
      if (sel) return false;
      if (n.name === 'Selector') sel = q.slice(n.from, n.to);
      return undefined;
    },
  });
  return sel;
}
