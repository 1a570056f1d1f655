// SPDX-License-Identifier: MIT
/**
 * The small Markdown of lesson prose: paragraphs, `- ` lists, fenced code,
 * `code`, **bold**, *emphasis*. Built as React elements (never HTML
 * strings), so lesson text cannot inject markup.
 */
import type { ReactNode } from 'react';

function inline(text: string, key: string): ReactNode[] {
  const out: ReactNode[] = [];
  const re = /(`[^`]+`|\*\*[^*]+\*\*|\*[^*]+\*)/g;
  let last = 0;
  let i = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    const t = m[0];
    const k = `${key}-${i++}`;
    if (t.startsWith('`')) out.push(<code key={k}>{t.slice(1, -1)}</code>);
    else if (t.startsWith('**')) out.push(<strong key={k}>{t.slice(2, -2)}</strong>);
    else out.push(<em key={k}>{t.slice(1, -1)}</em>);
    last = m.index + t.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

export function Markdown({ text }: { text: string }) {
  const blocks: ReactNode[] = [];
  const lines = text.split('\n');
  let para: string[] = [];
  let list: string[] = [];
  const flush = () => {
    if (para.length) blocks.push(<p key={`p${blocks.length}`}>{inline(para.join(' '), `p${blocks.length}`)}</p>);
    if (list.length) {
      const k = `l${blocks.length}`;
      blocks.push(<ul key={k}>{list.map((item, i) => <li key={i}>{inline(item, `${k}-${i}`)}</li>)}</ul>);
    }
    para = [];
    list = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('```')) {
      flush();
      const code: string[] = [];
      for (i++; i < lines.length && !lines[i]!.startsWith('```'); i++) code.push(lines[i]!);
      blocks.push(<pre key={`c${blocks.length}`}>{code.join('\n')}</pre>);
    } else if (/^\s*[-*] /.test(line)) {
      if (para.length) flush();
      list.push(line.replace(/^\s*[-*] /, ''));
    } else if (line.trim() === '') flush();
    else if (list.length && /^\s+/.test(line)) list[list.length - 1] += ` ${line.trim()}`;
    else {
      if (list.length) flush();
      para.push(line.trim());
    }
  }
  flush();
  return <div className="lesson-prose">{blocks}</div>;
}
