/**
 * The local provider's pages (sign-in form, sign-out confirmation, signed out, errors),
 * in the site's look. Everything they need is inline: no web fonts, no stylesheet, the
 * icon a data URI, and a Content-Security-Policy that lets the browser fetch nothing else.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * Sent with every page: inline styles and data-URI images only, nothing from anywhere.
 * No form-action: Chromium applies it to the redirects after the post, which end on the site's origin.
 */
export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'";

/** The site's own icon, inline, so the browser does not ask the provider for /favicon.ico. */
const ICON = `data:image/svg+xml,${encodeURIComponent(readFileSync(join(__dirname, '..', '..', 'web', 'public', 'favicon.svg'), 'utf8').trim())}`;

/** The site's colours and system fonts (web/src/styles.css). */
const STYLE = `
  :root { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif; color: #1c2430; background: #f5f7fa; line-height: 1.45; }
  * { box-sizing: border-box; }
  body { margin: 0; min-height: 100vh; display: flex; flex-direction: column; }
  header { background: #1f5f8b; color: #fff; padding: .75rem 1.5rem; font-weight: 700; font-size: 1.15rem; letter-spacing: .02em; }
  main { background: #fff; border: 1px solid #dde3ea; border-radius: 10px; padding: 1.75rem; width: min(24rem, calc(100vw - 2rem)); margin: 3rem auto; }
  h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
  small, .hint { color: #5b6676; }
  label { display: block; margin-top: 1rem; font-weight: 600; }
  input { width: 100%; padding: .6rem .75rem; margin-top: .3rem; font: inherit; border: 1px solid #b8c2ce; border-radius: 8px; }
  button { display: block; width: 100%; margin-top: 1.25rem; padding: .6rem 1rem; font: inherit; border-radius: 8px; border: 1px solid #1f5f8b; background: #1f5f8b; color: #fff; cursor: pointer; }
  button.secondary { background: #fff; color: #1f5f8b; margin-top: .6rem; }
  button:focus-visible, input:focus-visible { outline: 3px solid #f2b84b; outline-offset: 2px; }
  [role=alert] { color: #a12a2a; font-weight: 600; background: #fdecec; border: 1px solid #d05050; border-radius: 8px; padding: .6rem .8rem; overflow-wrap: anywhere; }
`;

const page = (title: string, body: string): string => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · recstream</title>
<link rel="icon" href="${ICON}">
<style>${STYLE}</style>
</head>
<body>
<header>recstream</header>
<main>
<h1>${escapeHtml(title)}</h1>
<small>Local twin sign-in (stands in for Cognito)</small>
${body}
</main>
</body>
</html>
`;

export interface LoginPage {
  title: string;
  /** Where the form posts; without it the page only explains the error. */
  action?: string;
  username?: string;
  error?: string;
}

/** The analyst's sign-in form, or why sign-in failed. */
export const loginPage = ({ title, action, username = '', error }: LoginPage): string =>
  page(
    title,
    `${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
${
  action
    ? `<form method="post" action="${escapeHtml(action)}" autocomplete="off">
<label>Username <input name="username" autocomplete="username" required value="${escapeHtml(username)}"></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button>
</form>`
    : ''
}`,
  );

/** RP-initiated logout's confirmation; `form` is the provider's own hidden form (its action and xsrf token). */
export const logoutPage = (form: string): string =>
  page(
    'Sign out of recstream?',
    `<p class="hint">You will need your password to sign in again.</p>
${form}
<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
<button class="secondary" type="submit" form="op.logoutForm">No, stay signed in</button>`,
  );

/** Shown when a sign-out names no page to return to. */
export const signedOutPage = (): string => page('You are signed out', '<p class="hint">You can close this tab.</p>');
