import type { User } from '../../auth/users.ts';
import { html, type SafeHtml } from './html.ts';

/**
 * The frame of every dashboard page: navigation, who is signed in, the live-stream indicator, and
 * the scripts (htmx and our live-update script, both served by the hub: no CDN, no inline script,
 * so helmet's default content security policy holds).
 */
export function layout(options: { title: string; user: User; csrfToken: string; body: SafeHtml }) {
  const { title, user, csrfToken, body } = options;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Fulfillment hub</title>
<link rel="stylesheet" href="/dashboard/assets/dashboard.css">
<script src="/dashboard/assets/htmx.min.js" defer></script>
<script src="/dashboard/assets/live.js" defer></script>
</head>
<body>
<header>
<nav aria-label="Dashboard"><a href="/dashboard/orders">Orders</a></nav>
<p id="live" class="live" role="status" aria-live="polite" data-state="connecting">Connecting…</p>
<form method="post" action="/dashboard/sign-out" class="who">
<span>${user.email} (${user.role === 'operator' ? 'operator' : 'merchant member'})</span>
<input type="hidden" name="_csrf" value="${csrfToken}">
<button type="submit">Sign out</button>
</form>
</header>
<main>${body}</main>
</body></html>`;
}
