import { useState } from 'react';
import { ErrorMessage, Loading } from '../components/common';
import { graphql } from '../gql';
import { useI18n } from '../i18n';
import { run } from '../lib/api';
import { useLoad } from '../lib/useQuery';

const AgencyUsersQuery = graphql(`
  query AgencyUsers {
    agencyUsers { id email displayName roles status apiKeys { id prefix label createdAt expiresAt revokedAt lastUsedAt } }
  }
`);
const CreateApiKey = graphql(`
  mutation CreateApiKey($userId: ID!, $label: String, $ttl: String) {
    createApiKey(userId: $userId, label: $label, ttl: $ttl) { id key expiresAt }
  }
`);
const RevokeApiKey = graphql(`
  mutation RevokeApiKey($id: ID!) {
    revokeApiKey(id: $id) { id revokedAt }
  }
`);

export default function Users() {
  const { t, dateTime } = useI18n();
  const { data, error, loading, reload } = useLoad(() => run(AgencyUsersQuery), []);
  const [actionError, setActionError] = useState<unknown>(null);
  const [created, setCreated] = useState<{ email: string; key: string } | null>(null);
  const [notice, setNotice] = useState('');

  async function act(action: () => Promise<unknown>, message = '') {
    setActionError(null);
    setNotice('');
    try {
      await action();
      setNotice(message);
      reload();
    } catch (e) {
      setActionError(e);
    }
  }

  if (loading && !data) return <Loading />;
  if (error) return <ErrorMessage error={error} />;

  return (
    <section aria-labelledby="users-title">
      <h1 id="users-title">{t('users.title')}</h1>
      {notice && <p role="status" className="ok">{notice}</p>}
      {created && (
        <p role="status" className="ok">
          {t('users.newKey', { email: created.email })} <code data-testid="new-key">{created.key}</code>
        </p>
      )}
      <ErrorMessage error={actionError} />
      {data?.agencyUsers.map((u) => (
        <section key={u.id} className="panel" aria-label={u.email}>
          <h2>{u.email}</h2>
          <p>{u.displayName} · {u.roles.join(', ')} · {u.status}</p>
          <table>
            <caption>{t('users.keys')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('users.prefix')}</th>
                <th scope="col">{t('users.label')}</th>
                <th scope="col">{t('keys.created')}</th>
                <th scope="col">{t('users.lastUsed')}</th>
                <th scope="col">{t('keys.expires')}</th>
                <th scope="col">{t('field.status')}</th>
                <th scope="col">{t('keys.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {u.apiKeys.map((k) => (
                <tr key={k.id} data-key-id={k.id}>
                  <td><code>{k.prefix}…</code></td>
                  <td>{k.label}</td>
                  <td>{dateTime(k.createdAt)}</td>
                  <td>{dateTime(k.lastUsedAt) || '—'}</td>
                  <td>{dateTime(k.expiresAt) || '—'}</td>
                  <td data-testid="api-key-status">{k.revokedAt ? t('users.revokedAt', { at: dateTime(k.revokedAt) }) : t('keys.valid')}</td>
                  <td>
                    {!k.revokedAt && (
                      <button type="button" className="danger" onClick={() => { if (window.confirm(t('users.revokeConfirm'))) void act(async () => { setCreated(null); await run(RevokeApiKey, { id: k.id }); }, t('users.revokedNotice')); }}>
                        {t('users.revoke', { prefix: k.prefix })}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <button type="button" onClick={() => act(async () => { const r = await run(CreateApiKey, { userId: u.id, label: 'console', ttl: '90d' }); setCreated({ email: u.email, key: r.createApiKey.key }); })}>
            {t('users.createKey', { email: u.email })}
          </button>
        </section>
      ))}
    </section>
  );
}
