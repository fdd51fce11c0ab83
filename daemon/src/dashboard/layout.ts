/** The page shell (head, navigation, live region) and the pages shown before login. */
import { type Html, html } from './html';

export const PAGES = [
	{ path: '/', title: 'Schedule' },
	{ path: '/queue', title: 'Queue' },
	{ path: '/problems', title: 'Problems' },
	{ path: '/published', title: 'Published' },
	{ path: '/budgets', title: 'Budgets' },
] as const;

export function page(opts: {
	title: string;
	path: string;
	body: Html;
	/** The session's CSRF token (forms carry it; scripts and tests read it here). */
	csrf?: string;
	flash?: { ok: boolean; text: string };
}): Html {
	return html`<!doctype html>
		<html lang="en">
			<head>
				<meta charset="utf-8" />
				<meta name="viewport" content="width=device-width, initial-scale=1" />
				<meta name="referrer" content="same-origin" />
				${opts.csrf ? html`<meta name="csrf-token" content="${opts.csrf}" />` : ''}
				<title>${opts.title} · postspool</title>
				<link rel="stylesheet" href="/assets/dashboard.css" />
				<script src="/assets/dashboard.js" defer></script>
			</head>
			<body>
				<a class="skip" href="#main">Skip to content</a>
				<header>
					<p class="brand">postspool</p>
					<nav aria-label="Pages">
						<ul>
							${PAGES.map(
								(p) =>
									html`<li>
										<a href="${p.path}" ${p.path === opts.path ? html` aria-current="page"` : ''}
											>${p.title}</a
										>
									</li>`,
							)}
						</ul>
					</nav>
					<p class="live" id="live-status" role="status" aria-live="polite"></p>
				</header>
				<main id="main" tabindex="-1" data-live="${opts.path}">
					${opts.flash
						? // Focus on the outcome of the action just taken (not the page's start).
							html`<p
								class="flash ${opts.flash.ok ? 'ok' : 'bad'}"
								role="alert"
								id="flash"
								tabindex="-1"
								autofocus
							>
								${opts.flash.text}
							</p>`
						: ''}
					${opts.body}
				</main>
			</body>
		</html> `;
}

/** Without a session: how to get one (the token is never shown here). */
export function unauthorizedPage(): Html {
	return html`<!doctype html>
		<html lang="en">
			<head>
				<meta charset="utf-8" />
				<meta name="viewport" content="width=device-width, initial-scale=1" />
				<title>Sign in · postspool</title>
				<link rel="stylesheet" href="/assets/dashboard.css" />
			</head>
			<body>
				<main id="main">
					<h1>Not signed in</h1>
					<p>Run <code>postspool open</code> on this machine: it opens this dashboard signed in.</p>
					<p>
						Or <a href="/login">sign in with the token</a> kept in the state directory (file
						<code>dashboard-token</code>).
					</p>
				</main>
			</body>
		</html> `;
}

/** The login page: its script posts the one-time code from the URL fragment; the form takes a pasted token. */
/** After a sign-in from `postspool open`'s page: on to the schedule (a same-site navigation). */
export function signedInPage(): Html {
	return html`<!doctype html>
		<html lang="en">
			<head>
				<meta charset="utf-8" />
				<meta http-equiv="refresh" content="0; url=/" />
				<title>Signed in · postspool</title>
				<link rel="stylesheet" href="/assets/dashboard.css" />
			</head>
			<body>
				<main id="main">
					<p>Signed in. <a href="/">Open the dashboard</a></p>
				</main>
			</body>
		</html> `;
}

export function loginPage(failed = false): Html {
	return html`<!doctype html>
		<html lang="en">
			<head>
				<meta charset="utf-8" />
				<meta name="viewport" content="width=device-width, initial-scale=1" />
				<meta name="referrer" content="same-origin" />
				<title>Sign in · postspool</title>
				<link rel="stylesheet" href="/assets/dashboard.css" />
				<script src="/assets/login.js" defer></script>
			</head>
			<body>
				<main id="main">
					<h1>Sign in to the postspool dashboard</h1>
					${failed
						? html`<p class="flash bad" role="alert">
								That code or token is not valid (a code from <code>postspool open</code> works once,
								for 60 seconds). Run <code>postspool open</code> again.
							</p>`
						: ''}
					<form method="post" action="/login" id="login">
						<label for="secret"
							>Token (the contents of <code>dashboard-token</code> in the state directory)</label
						>
						<input type="password" id="secret" name="secret" autocomplete="off" required />
						<button type="submit">Sign in</button>
					</form>
				</main>
			</body>
		</html> `;
}
