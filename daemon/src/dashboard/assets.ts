/**
 * The dashboard's script and style sheet, shipped inside the daemon package (compiled with it; no
 * CDN, no build step). The script only makes pages live: every page works without it.
 */

/** Live updates: on a change event the page's <main> is fetched again and swapped in. */
export const DASHBOARD_JS = `'use strict';
(function () {
	// After an action: focus on its outcome (autofocus alone is not honoured everywhere).
	var flash = document.getElementById('flash');
	if (flash) flash.focus();
	var main = document.getElementById('main');
	var status = document.getElementById('live-status');
	// Times are written in UTC (the page works without script); shown in the browser's own time,
	// with the UTC text kept in the tooltip.
	function two(n) { return (n < 10 ? '0' : '') + n; }
	function localize(root) {
		var els = root.querySelectorAll('time[datetime]');
		for (var i = 0; i < els.length; i++) {
			var el = els[i];
			if (el.getAttribute('data-local')) continue;
			var d = new Date(el.getAttribute('datetime'));
			if (isNaN(d.getTime())) continue;
			el.title = el.textContent;
			el.textContent = d.getFullYear() + '-' + two(d.getMonth() + 1) + '-' + two(d.getDate()) + ' ' +
				two(d.getHours()) + ':' + two(d.getMinutes());
			el.setAttribute('data-local', '1');
		}
	}
	localize(document);
	if (!main || !window.EventSource) return;
	var busy = false, again = false;
	function refresh() {
		if (busy) { again = true; return; }
		busy = true;
		fetch(location.pathname + location.search, { headers: { 'X-Fragment': '1' }, credentials: 'same-origin' })
			.then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
			.then(function (text) {
				// Keep focus where it was when the region is replaced (a button inside it).
				var active = document.activeElement && document.activeElement.id;
				main.innerHTML = text;
				localize(main);
				if (active) { var el = document.getElementById(active); if (el) el.focus(); }
				main.setAttribute('data-updated', String(Date.now()));
			})
			.catch(function () {})
			.then(function () { busy = false; if (again) { again = false; refresh(); } });
	}
	var es = new EventSource('/events');
	es.addEventListener('change', refresh);
	es.addEventListener('open', function () { if (status) status.textContent = 'Live'; });
	es.addEventListener('error', function () { if (status) status.textContent = 'Reconnecting…'; });
})();
`;

/** The login page: the one-time code from the fragment is posted, then dropped from the address bar. */
export const LOGIN_JS = `'use strict';
(function () {
	var code = location.hash.slice(1);
	if (!code) return;
	history.replaceState(null, '', location.pathname);
	var form = document.getElementById('login');
	var input = document.getElementById('secret');
	if (!form || !input) return;
	input.value = decodeURIComponent(code);
	form.submit();
})();
`;

export const DASHBOARD_CSS = `
:root { color-scheme: light; --fg: #1a1a1a; --muted: #555; --bg: #fff; --line: #ccc; --accent: #0b5cad;
	--ok: #1b6e20; --bad: #a4161a; --warn: #7a4d00; --used: #0b5cad; --reserved: #b35c00; --free: #e6e6e6; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
:focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 8px; top: 8px; background: #fff; padding: 4px; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
header { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 16px; padding: 8px 16px; border-bottom: 1px solid var(--line); }
.brand { font-weight: 700; margin: 0; }
nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: 4px 12px; margin: 0; padding: 0; }
nav a { display: inline-block; padding: 6px 4px; }
nav a[aria-current="page"] { font-weight: 700; text-decoration: none; border-bottom: 3px solid var(--accent); }
.live { margin: 0 0 0 auto; color: var(--muted); font-size: 14px; }
main { padding: 16px; max-width: 1200px; }
h1 { margin-top: 0; font-size: 1.6rem; }
small { color: var(--muted); }
code { background: #f2f2f2; padding: 0 3px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
.name, .path { overflow-wrap: anywhere; }
td { overflow-wrap: break-word; }
.state { font-weight: 600; }
.s-failed, .s-needs-review, .s-publish-failed { color: var(--bad); }
.s-confirmed, .s-published, .s-done { color: var(--ok); }
.flash { padding: 8px 12px; border-left: 4px solid; }
.flash.ok { border-color: var(--ok); } .flash.bad { border-color: var(--bad); }
.cards { list-style: none; padding: 0; display: grid; gap: 12px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 12px; }
.card h2 { font-size: 1.15rem; margin: 0 0 4px; overflow-wrap: anywhere; }
.card h3 { font-size: 1rem; margin: 8px 0 0; }
.fix { color: var(--warn); }
.actions { display: flex; gap: 8px; margin-top: 8px; }
form.inline { display: inline; }
button { font: inherit; padding: 6px 14px; border-radius: 4px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; min-height: 36px; }
button.cancel { background: #fff; color: var(--bad); border-color: var(--bad); }
input[type=password] { font: inherit; padding: 6px; width: 100%; max-width: 32rem; display: block; margin: 4px 0 8px; }
.pager { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0; }
.calendar { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 8px; }
.day { border: 1px solid var(--line); border-radius: 6px; padding: 8px; min-width: 0; }
.day.today { border-color: var(--accent); border-width: 2px; }
.day h3 { margin: 0 0 4px; font-size: 1rem; } .day h4 { margin: 8px 0 2px; font-size: .95rem; }
.empty { color: var(--muted); margin: 0; }
.entries { list-style: none; padding: 0; margin: 0; }
.entry { display: flex; gap: 8px; padding: 4px 0; border-top: 1px solid #eee; }
.entry p { margin: 0; font-size: 14px; }
.entry.published { opacity: 0.75; border-left: 4px solid var(--ok); padding-left: 6px; }
.thumb { width: 48px; height: 48px; object-fit: cover; flex: none; border-radius: 4px; background: #eee; }
.thumb.icon { fill: none; stroke: var(--muted); stroke-width: 1.5; padding: 8px; }
.windows { list-style: none; padding: 0; }
.window h3 { font-size: 1rem; margin: 12px 0 4px; } .window p { margin: 4px 0; font-size: 14px; }
.bar { display: block; max-width: 40rem; }
.bar .used { fill: var(--used); } .bar .reserved { fill: var(--reserved); } .bar .free { fill: var(--free); }
.chart { margin: 12px 0; max-width: 640px; }
.chart .calls { fill: var(--used); } .chart .limit { stroke: var(--bad); stroke-dasharray: 4 3; stroke-width: 1.5; }
.chart .axis { stroke: var(--muted); } .chart .r429 { fill: var(--bad); }
.chart .tick { font-size: 12px; fill: var(--muted); text-anchor: middle; } .chart .tick.end { text-anchor: end; }
.more { margin: 4px 0 0; font-size: 14px; }
.chart figcaption { font-size: 14px; color: var(--muted); }
.uploads { list-style: none; padding: 0; } .uploads li { margin: 6px 0; }
progress { width: 100%; max-width: 24rem; height: 14px; display: block; }
@media (max-width: 600px) {
	main { padding: 10px; }
	thead { display: none; }
	tr { display: block; border-bottom: 1px solid var(--line); padding: 6px 0; }
	td { display: block; border: 0; padding: 2px 0; }
}
`;
