/** The commented starter config `postspool init` writes. */
export function starterConfig(opts: { dropFolder: string; stateDir?: string }): string {
	return `// postspool configuration (JSON with comments). Reference: daemon/README.md.
{
	"version": 1,

	// Where the SQLite state and the lock live. Default: $XDG_STATE_HOME/postspool.
	${opts.stateDir ? `"stateDir": ${JSON.stringify(opts.stateDir)},` : '// "stateDir": "/home/me/.local/state/postspool",'}

	// Named API keys. Each key comes from an environment variable ("env") or from a file
	// ("file") that only you can read (chmod 600). Keys are never written to logs or state.
	"keys": {
		"postsider-main": {
			"service": "postsider",
			"baseUrl": "https://api.postsider.com/public/v1",
			"apiKey": { "env": "POSTSIDER_API_KEY" }
		},
		"postfast-main": {
			"service": "postfast",
			// "baseUrl": "https://api.postfa.st",
			// "profile": "vendor" (the published limits) or "current" (the later, higher limits)
			"apiKey": { "file": "~/.config/postspool/postfast.key" }
		}
	},

	// Aliases used in sidecars: "targets": ["acme-x", "acme-ig"].
	// "id" is the PostSider channel id or the PostFast social account id ("postspool accounts" lists them).
	"accounts": {
		"acme-x": { "key": "postsider-main", "id": "<postsider channel id>", "platform": "x" },
		"acme-ig": { "key": "postfast-main", "id": "<postfast account id>", "platform": "instagram" }
	},

	// Drop folders. Put posts into <path>/inbox/; they move to done/YYYY-MM/ or failed/.
	"folders": [
		{
			"path": ${JSON.stringify(opts.dropFolder)},
			// Deep-merged under every sidecar in this folder.
			"defaults": { "targets": ["acme-x"], "when": "next-slot" }
		}
	],

	// Optional budget tweaks per key name.
	"budgets": {
		// "postfast-main": { "reserveDaily": 5, "accountDailyCaps": { "X": 5 } }
	},

	// A media file must keep its size and mtime this long before it is ingested (raise on network shares).
	"stableMs": 2000,
	// Full rescan of every inbox (what the file watcher misses, this catches).
	"rescanMs": 60000,
	// Attempts for server errors and network failures before a target is marked failed.
	"maxAttempts": 8,
	// Poll the filesystem instead of native events (network shares).
	"polling": false,

	// The local dashboard "postspool run" serves on 127.0.0.1 ("postspool open" opens it signed in).
	// "port": 0 picks any free port.
	"dashboard": { "enabled": true, "port": 7717 }
}
`;
}
