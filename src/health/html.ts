import type { HealthSummary } from './summary.ts';
import { ATTENTION, VERDICTS, type SourceHealth } from './verdict.ts';

/**
 * The health page: one self-contained file (no server, no CDN, no request of any kind) that a
 * build host can publish or a CI job upload. Every string that comes from a config, a site or
 * a server is escaped; the only script sorts the table.
 */
export function renderHealthPage(summary: HealthSummary): string {
  const attention = summary.sources.filter((s) => ATTENTION.has(s.verdict)).length;
  const counts = VERDICTS.filter((v) => summary.counts[v] > 0)
    .map((v) => `<span class="pill ${v}">${summary.counts[v]} ${v}</span>`)
    .join(' ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>sel-scraper source health: ${attention} need attention</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Source health</h1>
<p class="meta">Generated ${escapeHtml(summary.generatedAt.replace('T', ' ').slice(0, 16))} UTC · ${summary.sources.length} source(s) · ${counts}</p>
<p class="meta">Broken after ${summary.thresholds.brokenAfter} failed runs in a row; dropped below ${Math.round(summary.thresholds.dropRatio * 100)} % of the median of the last ${summary.thresholds.window} runs; stale after ${summary.thresholds.staleDays} days without a run. Click a column to sort.</p>
<table id="health">
<thead><tr>
<th data-type="verdict" aria-sort="ascending">Verdict</th><th data-type="text">Source</th><th data-type="text">Last run (UTC)</th><th data-type="number">Events</th><th data-type="none">Trend</th><th data-type="text">Last success</th><th data-type="text">Why</th>
</tr></thead>
<tbody>
${summary.sources.map(renderRow).join('\n')}
</tbody>
</table>
<script>${SORT_SCRIPT}</script>
</body>
</html>
`;
}

function renderRow(source: SourceHealth): string {
  const name = escapeHtml(source.name);
  const link = source.url && /^https?:\/\//i.test(source.url) ? `<a href="${escapeHtml(source.url)}" rel="noreferrer">${name}</a>` : name;
  const error = source.last?.error ? `<details><summary>last error</summary><code>${escapeHtml(source.last.error)}</code></details>` : '';
  return [
    `<tr class="${source.verdict}" data-verdict="${VERDICTS.indexOf(source.verdict)}">`,
    `<td><span class="pill ${source.verdict}">${source.verdict}</span></td>`,
    `<td>${link}</td>`,
    `<td>${source.last ? escapeHtml(source.last.at.slice(0, 16).replace('T', ' ')) : '—'}</td>`,
    `<td data-value="${source.last?.extracted ?? -1}">${source.last ? source.last.extracted : '—'}</td>`,
    `<td>${svgSparkline(source.trend)}</td>`,
    `<td>${source.lastSuccessAt ? escapeHtml(source.lastSuccessAt.slice(0, 10)) : '—'}${source.failingSince ? `<br><small>failing since ${escapeHtml(source.failingSince.slice(0, 10))}</small>` : ''}</td>`,
    `<td>${escapeHtml(source.reason)}${error}</td>`,
    '</tr>',
  ].join('');
}

const WIDTH = 120;
const HEIGHT = 24;

/** Events per run as an inline SVG polyline, scaled to the source's own maximum. */
function svgSparkline(values: readonly number[]): string {
  if (values.length === 0) return '<span class="none">no runs</span>';
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? WIDTH / (values.length - 1) : 0;
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(HEIGHT - 2 - (v / max) * (HEIGHT - 4)).toFixed(1)}`);
  const lastPoint = points.at(-1)?.split(',') ?? ['0', '0'];
  const label = `events per run, oldest first: ${values.join(', ')}`;
  return `<svg class="spark" width="${WIDTH}" height="${HEIGHT}" viewBox="-2 0 ${WIDTH + 4} ${HEIGHT}" role="img" aria-label="${label}"><title>${label}</title><polyline fill="none" stroke="currentColor" stroke-width="1.5" points="${points.join(' ')}"/><circle cx="${lastPoint[0]}" cy="${lastPoint[1]}" r="2.5"/></svg>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#1d1d1f;background:#fff}
h1{font-size:1.4rem;margin:0 0 .3rem}
.meta{color:#555;margin:.2rem 0}
table{border-collapse:collapse;margin-top:1rem;width:100%}
th,td{padding:.35rem .6rem;border-bottom:1px solid #e5e5e5;text-align:left;vertical-align:top}
th{cursor:pointer;user-select:none;background:#f6f6f6;position:sticky;top:0}
th[aria-sort=ascending]::after{content:" ▲"}th[aria-sort=descending]::after{content:" ▼"}
.pill{display:inline-block;padding:0 .45rem;border-radius:.6rem;font-size:.8rem;font-weight:600;color:#fff;background:#888}
.pill.broken{background:#c62828}.pill.dropped{background:#d84315}.pill.degraded{background:#ef8f00}
.pill.stale{background:#6d4c41}.pill.new{background:#1565c0}.pill.ok{background:#2e7d32}.pill.disabled{background:#9e9e9e}
tr.broken .spark,tr.dropped .spark{color:#c62828}.spark{color:#2e7d32}
td:nth-child(3){white-space:nowrap}
code{white-space:pre-wrap;word-break:break-word;font-size:.8rem}
details{margin-top:.2rem}.none{color:#999}
`;

/** Click a header to sort by it; verdicts sort by need, numbers as numbers. */
const SORT_SCRIPT = `
(function () {
  var table = document.getElementById('health');
  var headers = table.tHead.rows[0].cells;
  function key(row, index, type) {
    var cell = row.cells[index];
    if (type === 'verdict') return Number(row.getAttribute('data-verdict'));
    if (type === 'number') return Number(cell.getAttribute('data-value'));
    return cell.textContent.trim().toLowerCase();
  }
  Array.prototype.forEach.call(headers, function (th, index) {
    var type = th.getAttribute('data-type');
    if (type === 'none') return;
    th.addEventListener('click', function () {
      var descending = th.getAttribute('aria-sort') === 'ascending';
      Array.prototype.forEach.call(headers, function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
      var rows = Array.prototype.slice.call(table.tBodies[0].rows);
      rows.sort(function (a, b) {
        var x = key(a, index, type), y = key(b, index, type);
        var order = x < y ? -1 : x > y ? 1 : 0;
        return descending ? -order : order;
      });
      rows.forEach(function (row) { table.tBodies[0].appendChild(row); });
    });
  });
})();
`;
