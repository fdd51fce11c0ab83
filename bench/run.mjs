#!/usr/bin/env node
/**
 * `npm run bench [-- options]`: runs the benchmark sections (bench/*.run.ts, through vitest so they
 * use the TypeScript sources and the in-process n8n harness directly), then writes
 * bench/results/report.md and report.json with the machine noted.
 *
 *   --quick               small sizes (CI smoke: minutes, not the full hour)
 *   --only a,b            sections: budget, ingest, upload, n8n, n8n-upload, dashboard
 *   --soak-hours N        virtual soak length for the budget section (default 24)
 *   --ingest N            sidecars dropped at once (default 10000)
 *   --done N --pending N  restart: items in done/ and waiting in the inbox (default 100000 / 5000)
 *   --queued N            idle CPU: posts queued (default 1000)
 *   --upload-mb N         upload size, daemon and n8n nodes (default 500)
 *   --items N             n8n items per node (default 100)
 *   --dash-items N        dashboard: items of history in the database (default 100000)
 *   --dash-requests N     dashboard: timed requests per page (default 30)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, platform, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const SECTIONS = ['budget', 'ingest', 'upload', 'n8n', 'n8n-upload', 'dashboard'];
const FLAGS = {
	'soak-hours': 'BENCH_SOAK_HOURS',
	ingest: 'BENCH_INGEST',
	done: 'BENCH_DONE',
	pending: 'BENCH_PENDING',
	queued: 'BENCH_QUEUED',
	'upload-mb': 'BENCH_UPLOAD_MB',
	items: 'BENCH_ITEMS',
	'dash-items': 'BENCH_DASH_ITEMS',
	'dash-requests': 'BENCH_DASH_REQUESTS',
};

const args = process.argv.slice(2);
const env = { ...process.env };
let only = SECTIONS;
for (let i = 0; i < args.length; i++) {
	const a = args[i];
	const [flag, inline] = a.replace(/^--/, '').split('=');
	const value = () => inline ?? args[++i];
	if (flag === 'quick') env.BENCH_QUICK = '1';
	else if (flag === 'only') only = value().split(',');
	else if (FLAGS[flag]) env[FLAGS[flag]] = value();
	else if (flag === 'help' || flag === 'h') {
		console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/')[0]);
		process.exit(0);
	} else {
		console.error(`unknown option "${a}"; run "npm run bench -- --help" for the list`);
		process.exit(2);
	}
}
for (const s of only) {
	if (!SECTIONS.includes(s)) {
		console.error(`unknown section "${s}" in --only; use ${SECTIONS.join(', ')}`);
		process.exit(2);
	}
}

// Sections not run this time keep their last results (each part records when it was measured).
const parts = join(here, 'results', 'parts');
mkdirSync(parts, { recursive: true });
for (const s of only) rmSync(join(parts, `${s}.json`), { force: true });
const started = Date.now();
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const run = spawnSync(
	process.execPath,
	[
		vitest,
		'run',
		'--config',
		join(here, 'vitest.config.mts'),
		...only.map((s) => `bench/${s}.run.ts`),
	],
	{ cwd: root, env, stdio: 'inherit' },
);

const cpu = cpus();
const machine = {
	cpu: cpu[0]?.model ?? 'unknown',
	cores: cpu.length,
	ramGiB: +(totalmem() / 2 ** 30).toFixed(1),
	freeRamGiB: +(freemem() / 2 ** 30).toFixed(1),
	node: process.version,
	os: `${platform()} ${release()}`,
};
const results = existsSync(parts)
	? readdirSync(parts)
			.filter((f) => f.endsWith('.json'))
			.sort(
				(a, b) =>
					SECTIONS.indexOf(a.replace('.json', '')) - SECTIONS.indexOf(b.replace('.json', '')),
			)
			.map((f) => JSON.parse(readFileSync(join(parts, f), 'utf8')))
	: [];
for (const s of SECTIONS) {
	if (!results.some((r) => r.section === s))
		results.push({
			section: s,
			title: s,
			figures: [],
			notMeasured: [
				{
					name: s,
					reason: `the section did not finish (vitest exit ${run.status}); see the console output above`,
				},
			],
		});
}
const report = {
	generatedAt: new Date().toISOString(),
	quick: env.BENCH_QUICK === '1',
	options: args,
	machine,
	wallSeconds: Math.round((Date.now() - started) / 1000),
	sections: results,
};
writeFileSync(join(here, 'results', 'report.json'), `${JSON.stringify(report, null, '\t')}\n`);
writeFileSync(join(here, 'results', 'report.md'), markdown(report));
console.log(`\nbench: wrote bench/results/report.md and report.json (${report.wallSeconds} s)`);
process.exit(run.status ?? 1);

function fmt(v) {
	if (typeof v !== 'number') return String(v);
	if (Number.isInteger(v)) return v.toLocaleString('en-US');
	return v.toLocaleString('en-US', { maximumFractionDigits: Math.abs(v) < 10 ? 2 : 1 });
}

function markdown(r) {
	const lines = [
		'# postspool benchmark report',
		'',
		`Generated ${r.generatedAt}${r.quick ? " — **quick mode** (reduced sizes; not the issue's figures)" : ''}; ${r.wallSeconds} s wall time. Options: \`${r.options.join(' ') || '(none)'}\`.`,
		'',
		`Machine: ${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.ramGiB} GiB RAM, Node ${r.machine.node}, ${r.machine.os}. Everything runs against the local emulators on 127.0.0.1.`,
		'',
	];
	for (const s of r.sections) {
		lines.push(`## ${s.title}`, '');
		if (s.measuredAt) lines.push(`Measured ${s.measuredAt}${s.quick ? ' (quick mode)' : ''}.`, '');
		if (s.description) lines.push(s.description, '');
		if (s.table) {
			lines.push(
				`| ${s.table.columns.join(' | ')} |`,
				`|${s.table.columns.map(() => '---').join('|')}|`,
			);
			for (const row of s.table.rows) lines.push(`| ${row.map(fmt).join(' | ')} |`);
			lines.push('');
		}
		if (s.figures.length) {
			lines.push('| figure | value | target | met |', '|---|---|---|---|');
			for (const f of s.figures)
				lines.push(
					`| ${f.name} | ${fmt(f.value)}${f.unit ? ` ${f.unit}` : ''} | ${f.target ?? ''} | ${f.met === undefined || f.met === null ? '' : f.met ? 'yes' : '**no**'} |`,
				);
			lines.push('');
		}
		for (const n of s.notes ?? []) lines.push(`- ${n}`);
		for (const n of s.notMeasured ?? []) lines.push(`- **not measured: ${n.name}** — ${n.reason}`);
		lines.push('');
	}
	return `${lines.join('\n').replace(/\n{3,}/g, '\n\n')}\n`;
}
