/** index.html of a plots folder: the figures, what each shows, and the run's parameters. */

/** `s` escaped for HTML text and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A figure entry of the page. */
export interface HtmlFigure {
  file: string;
  title: string;
  caption: string;
}

/** A section of key/value rows or a table. */
export type HtmlSection =
  | { title: string; rows: [string, string][]; collapsed?: boolean }
  | { title: string; columns: string[]; table: string[][]; links?: (string | null)[]; collapsed?: boolean };

function section(s: HtmlSection): string {
  let body: string;
  if ('rows' in s) {
    body = `<table class="kv">${s.rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>`;
  } else {
    const head = `<tr>${s.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr>`;
    const rows = s.table
      .map((r, i) => {
        const link = s.links?.[i];
        return `<tr>${r.map((v, k) => `<td>${k === 0 && link ? `<a href="${escapeHtml(link)}">${escapeHtml(v)}</a>` : escapeHtml(v)}</td>`).join('')}</tr>`;
      })
      .join('');
    body = `<table class="grid">${head}${rows}</table>`;
  }
  return s.collapsed ? `<details><summary>${escapeHtml(s.title)}</summary>${body}</details>` : `<h2>${escapeHtml(s.title)}</h2>${body}`;
}

/** The page. */
export function indexHtml(o: { title: string; intro: string; figures: HtmlFigure[]; notes: string[]; sections: HtmlSection[] }): string {
  const figures = o.figures
    .map((f) => `<figure><h3>${escapeHtml(f.title)}</h3><img src="${escapeHtml(f.file)}" alt="${escapeHtml(f.title)}"><figcaption>${escapeHtml(f.caption)}</figcaption></figure>`)
    .join('\n');
  const notes = o.notes.length > 0 ? `<ul class="notes">${o.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(o.title)}</title>
<style>
body { font-family: Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 980px; color: #222; padding: 0 1em; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; } h3 { font-size: 1em; margin: 0 0 .4em; }
figure { margin: 1.5em 0; } img { max-width: 100%; border: 1px solid #eee; }
figcaption { color: #555; font-size: .9em; margin-top: .3em; }
table { border-collapse: collapse; font-size: .85em; } th, td { padding: .2em .6em; text-align: left; border-bottom: 1px solid #eee; vertical-align: top; }
table.kv th { font-weight: normal; color: #555; font-family: monospace; } table.grid th { background: #f6f6f6; }
details { margin-top: 1.5em; } summary { cursor: pointer; font-weight: bold; } .notes { color: #555; }
</style>
</head>
<body>
<h1>${escapeHtml(o.title)}</h1>
<p>${escapeHtml(o.intro)}</p>
${figures}
${notes}
${o.sections.map(section).join('\n')}
</body>
</html>
`;
}
