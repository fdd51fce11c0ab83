/** Builds the daemon bin once before the fault suite (the tests run it as a real child process). */
import { buildDaemon } from './lib/daemon';

export default function setup(): void {
	buildDaemon();
}
