import { useEffect, useState, type FormEvent } from 'react';
import { useI18n } from '../i18n';
import { oidcOffered, signIn, type SessionPrincipal } from '../lib/session';

export function SignIn({ onSignedIn }: { onSignedIn: (principal: SessionPrincipal) => void }) {
  const { t } = useI18n();
  const [apiKey, setApiKey] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [oidc, setOidc] = useState(false);

  useEffect(() => {
    oidcOffered().then(setOidc, () => setOidc(false));
  }, []);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError('');
    try {
      const principal = await signIn(apiKey.trim());
      setApiKey('');
      onSignedIn(principal);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="main" className="signin">
      <h1>{t('signin.title')}</h1>
      <p>{t('signin.intro')}</p>
      <form onSubmit={submit} noValidate>
        <label htmlFor="apiKey">{t('signin.apiKey')}</label>
        <input id="apiKey" name="apiKey" type="password" autoComplete="off" value={apiKey} onChange={(e) => setApiKey(e.target.value)} aria-invalid={error ? true : undefined} aria-describedby={error ? 'signin-error' : undefined} required />
        {error && (
          <p id="signin-error" className="field-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy || apiKey.trim() === ''}>
          {t('signin.submit')}
        </button>
      </form>
      {oidc && (
        <p>
          <a className="button" href="/session/oidc">
            {t('signin.oidc')}
          </a>
        </p>
      )}
      <p className="hint">{t('signin.hint')}</p>
    </main>
  );
}
