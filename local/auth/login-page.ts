/** The local provider's one page: the analyst's sign-in form, or why sign-in failed. */

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export interface LoginPage {
  title: string;
  /** Where the form posts; without it the page only explains the error. */
  action?: string;
  username?: string;
  error?: string;
}

export const loginPage = ({ title, action, username = '', error }: LoginPage): string => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  body { font-family: system-ui, sans-serif; background: #f4f5f7; display: grid; place-items: center; min-height: 100vh; margin: 0; }
  main { background: #fff; padding: 2rem; border-radius: 8px; box-shadow: 0 1px 4px #0002; width: min(22rem, 90vw); }
  label { display: block; margin-top: 1rem; font-weight: 600; }
  input { width: 100%; box-sizing: border-box; padding: .5rem; margin-top: .25rem; font-size: 1rem; }
  button { margin-top: 1.5rem; width: 100%; padding: .6rem; font-size: 1rem; }
  [role=alert] { color: #a00; }
  small { color: #555; }
</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
<small>Local twin sign-in (stands in for Cognito)</small>
${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
${
  action
    ? `<form method="post" action="${escapeHtml(action)}" autocomplete="off">
<label>Username <input name="username" autocomplete="username" required value="${escapeHtml(username)}"></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button>
</form>`
    : ''
}
</main>
</body>
</html>
`;
