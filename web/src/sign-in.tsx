import { useState, type FormEvent } from 'react';
import { api } from './api.js';

/** Exchanges an API key for a session cookie; the field is cleared and the key kept nowhere. */
export function SignIn(props: { onSignedIn: (name: string) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | undefined>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const s = await api.signIn(key);
      setKey('');
      props.onSignedIn(s.keyName ?? '');
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <main className="signin">
      <h1>clipcast</h1>
      <form onSubmit={(e) => void submit(e)}>
        <label htmlFor="key">API key</label>
        <input
          id="key"
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={key}
          onChange={(e) => setKey(e.target.value)}
          placeholder="cc_…"
          required
        />
        <button type="submit">Sign in</button>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <p className="hint">
          Create a key with <code>clipcast apikeys create dashboard</code>. It is exchanged once for a session
          cookie and not stored in the browser.
        </p>
      </form>
    </main>
  );
}
