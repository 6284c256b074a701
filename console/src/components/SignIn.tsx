import { useState } from 'preact/hooks';
import { ApiError, signIn, type SessionInfo } from '../api.js';

/** Sign-in with an access key of the service (`cachefleet credentials` prints the admin key). */
export function SignIn({ onSignedIn }: { onSignedIn: (s: SessionInfo) => void }) {
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    setBusy(true);
    setError('');
    try {
      onSignedIn(await signIn(String(form.get('accessKeyId') ?? ''), String(form.get('secretAccessKey') ?? '')));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'The service could not be reached.');
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" class="sign-in">
      <h1>Sign in to cachefleet</h1>
      <p>Use an access key of this service: the admin key (<code>cachefleet credentials</code> prints it) or an IAM user's key.</p>
      <form onSubmit={submit} aria-describedby={error ? 'sign-in-error' : undefined}>
        <label for="accessKeyId">Access key ID</label>
        <input id="accessKeyId" name="accessKeyId" autocomplete="username" required spellcheck={false} />
        <label for="secretAccessKey">Secret access key</label>
        <input id="secretAccessKey" name="secretAccessKey" type="password" autocomplete="current-password" required />
        {error && <p id="sign-in-error" class="error" role="alert">{error}</p>}
        <button type="submit" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
    </main>
  );
}
