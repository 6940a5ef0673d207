import { Injectable } from '@nestjs/common';
import { escapeHtml, OAuthPages, type OAuthConsentView, type OAuthErrorView, type OAuthFormView, type OAuthLoginView } from './oauth-pages';

const STYLE = `body{font-family:system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a}
h1{font-size:1.4rem}label{display:block;margin:1rem 0 .25rem}input[type=text],input[type=password]{width:100%;padding:.5rem;box-sizing:border-box}
button{margin:1.25rem .5rem 0 0;padding:.5rem 1.25rem}.error{color:#b00020}ul{padding-left:1.25rem}`;

/** The module's own login, consent and error pages: plain HTML forms, labelled for screen readers, no script. */
@Injectable()
export class DefaultOAuthPages extends OAuthPages {
  login(view: OAuthLoginView): string {
    return page(
      'Sign in',
      `<h1>Sign in</h1>
<p>to continue to <strong>${clientName(view)}</strong></p>
${view.error ? `<p class="error" role="alert">${escapeHtml(view.error)}</p>` : ''}
<form method="post" action="${escapeHtml(view.action)}">
${hidden(view)}
<label for="username">Username</label>
<input type="text" id="username" name="username" autocomplete="username" required value="${escapeHtml(view.username)}">
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>`,
    );
  }

  consent(view: OAuthConsentView): string {
    return page(
      'Allow access?',
      `<h1>Allow access?</h1>
<p><strong>${clientName(view)}</strong> asks to access your account <strong>${escapeHtml(view.username)}</strong> with these permissions:</p>
<ul>${view.scopes.map((scope) => `<li>${escapeHtml(scope)}</li>`).join('')}</ul>
<form method="post" action="${escapeHtml(view.action)}">
${hidden(view)}
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>`,
    );
  }

  error(view: OAuthErrorView): string {
    return page(
      'Cannot continue',
      `<h1>Cannot continue</h1>
<p role="alert">${escapeHtml(view.description)}</p>
<p>Error: <code>${escapeHtml(view.error)}</code></p>`,
    );
  }
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>
<style>${STYLE}</style></head>
<body><main>
${body}
</main></body>
</html>
`;
}

function clientName(view: OAuthFormView): string {
  return escapeHtml(view.client.name ?? view.client.id);
}

function hidden(view: OAuthFormView): string {
  return Object.entries(view.hiddenFields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n');
}
