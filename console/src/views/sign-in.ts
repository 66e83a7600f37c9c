import { useState } from 'preact/hooks';
import { html } from '../html.ts';
import { keyProblem, type SessionKey } from '../key.ts';

/**
 * The sign-in form. A key that cannot be a Berth key is refused here, before
 * anything is signed; a well-formed key the server rejects comes back from
 * the first call as the server's error (see App).
 */
export function SignIn({ onSignIn, refusal }: { onSignIn: (key: SessionKey) => void; refusal?: string }) {
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const submit = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const key = {
      accessKeyId: String(form.get('accessKeyId') ?? '').trim(),
      secretAccessKey: String(form.get('secretAccessKey') ?? '').trim(),
      region: String(form.get('region') ?? '').trim() || 'us-east-1',
    };
    const found = keyProblem(key);
    setProblem(found);
    if (found === undefined) onSignIn(key);
  };
  const shown = problem ?? refusal;
  return html`<main class="sign-in">
    <form onSubmit=${submit} novalidate>
      <h1>Berth console</h1>
      <p class="dim">
        Sign in with a Berth access key. It stays in this tab (sessionStorage) and only signs requests; it is never
        sent.
      </p>
      <label>Access key id <input name="accessKeyId" autocomplete="username" spellcheck="false" autofocus /></label>
      <label>Secret access key <input name="secretAccessKey" type="password" autocomplete="current-password" /></label>
      <label>Region <input name="region" placeholder="us-east-1" spellcheck="false" /></label>
      ${shown && html`<div class="note error" role="alert" id="sign-in-error">${shown}</div>`}
      <button type="submit">Sign in</button>
    </form>
  </main>`;
}
