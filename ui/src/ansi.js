// ANSI SGR colour codes in log lines rendered as spans (8/16 colours, bold, dim, italic, underline);
// every other escape sequence is dropped. Text goes in through textContent only.
const SGR = /\x1b\[([0-9;]*)m|\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b/g;

function apply(style, codes) {
  const list = codes === '' ? [0] : codes.split(';').map(Number);
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (c === 0) { style.fg = style.bg = null; style.bold = style.dim = style.italic = style.under = false; }
    else if (c === 1) style.bold = true;
    else if (c === 2) style.dim = true;
    else if (c === 3) style.italic = true;
    else if (c === 4) style.under = true;
    else if (c === 22) style.bold = style.dim = false;
    else if (c === 23) style.italic = false;
    else if (c === 24) style.under = false;
    else if (c >= 30 && c <= 37) style.fg = c - 30;
    else if (c >= 90 && c <= 97) style.fg = c - 90 + 8;
    else if (c === 39) style.fg = null;
    else if (c >= 40 && c <= 47) style.bg = c - 40;
    else if (c >= 100 && c <= 107) style.bg = c - 100 + 8;
    else if (c === 49) style.bg = null;
    else if ((c === 38 || c === 48) && list[i + 1] === 5) i += 2;   // 256 colours: ignored
    else if ((c === 38 || c === 48) && list[i + 1] === 2) i += 4;   // true colour: ignored
  }
}

function classes(s) {
  const c = [];
  if (s.fg !== null) c.push(`ansi-fg${s.fg}`);
  if (s.bg !== null) c.push(`ansi-bg${s.bg}`);
  if (s.bold) c.push('ansi-b');
  if (s.dim) c.push('ansi-dim');
  if (s.italic) c.push('ansi-i');
  if (s.under) c.push('ansi-u');
  return c.join(' ');
}

export function hasAnsi(line) { return line.includes('\x1b'); }

export function stripAnsi(line) { return line.replace(SGR, ''); }

// Appends the line to `el`, coloured.
export function renderAnsi(el, line) {
  if (!hasAnsi(line)) { el.textContent = line; return; }
  const style = { fg: null, bg: null, bold: false, dim: false, italic: false, under: false };
  let last = 0;
  const push = (text) => {
    if (!text) return;
    const cls = classes(style);
    if (!cls) { el.appendChild(document.createTextNode(text)); return; }
    const span = document.createElement('span');
    span.className = cls;
    span.textContent = text;
    el.appendChild(span);
  };
  for (const m of line.matchAll(SGR)) {
    push(line.slice(last, m.index));
    if (m[1] !== undefined) apply(style, m[1]);
    last = m.index + m[0].length;
  }
  push(line.slice(last));
}
