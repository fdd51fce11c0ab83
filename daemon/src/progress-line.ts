/**
 * The live upload line of `postspool run` on a terminal, e.g.
 * `↑ 2 uploads  photo.jpg 45% 12.1/27.0 MB · clip.mp4 3%`. The logger draws it (and clears it
 * around every log line); this file only words it and follows the upload registry.
 */
import { type Logger, escapeControl } from './log';
import { type UploadInFlight, type UploadProgress, uploadProgress } from './pipeline/progress';

const mb = (bytes: number) => (bytes / 1_048_576).toFixed(1);
const percent = (u: UploadInFlight) =>
	`${Math.min(100, Math.floor((u.sent / Math.max(u.total, 1)) * 100))}%`;

/** The line for these uploads; '' when there are none. The oldest upload gets its sizes. */
export function formatProgressLine(uploads: readonly UploadInFlight[]): string {
	if (uploads.length === 0) return '';
	const parts = uploads.map((u, i) => {
		const name = escapeControl(u.file);
		return i === 0
			? `${name} ${percent(u)} ${mb(u.sent)}/${mb(u.total)} MB`
			: `${name} ${percent(u)}`;
	});
	return `↑ ${uploads.length} upload${uploads.length === 1 ? '' : 's'}  ${parts.join(' · ')}`;
}

/** Keeps `log`'s status line in step with `registry`; returns the function that stops and clears it. */
export function showUploadProgress(
	log: Logger,
	registry: UploadProgress = uploadProgress,
): () => void {
	if (!log.status) return () => undefined;
	const draw = () => log.status?.(formatProgressLine(registry.snapshot()));
	registry.on('change', draw);
	draw();
	return () => {
		registry.off('change', draw);
		log.status?.('');
	};
}
