/**
 * A full disk under the state directory (or the drop folder) is an environment fault, not a bug:
 * SQLite answers SQLITE_FULL, the file system ENOSPC. The daemon pauses intake and work, says so
 * once, and resumes by itself when a probe write succeeds again (daemon/README.md, "Disk full").
 */

/** Whether `err` says the disk (or the database's file system) is full. */
export function isDiskFull(err: unknown): boolean {
	const e = err as { code?: unknown; message?: unknown } | undefined;
	const code = typeof e?.code === 'string' ? e.code : '';
	if (code === 'ENOSPC' || code === 'EDQUOT' || code.startsWith('SQLITE_FULL')) return true;
	return typeof e?.message === 'string' && /database or disk is full|ENOSPC/.test(e.message);
}
