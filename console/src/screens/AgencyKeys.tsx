import { useState, type FormEvent } from 'react';
import { ErrorMessage, Loading } from '../components/common';
import { graphql } from '../gql';
import type { KeyRevocationReason } from '../gql/graphql';
import { useI18n } from '../i18n';
import { run } from '../lib/api';
import { REVOCATION_REASONS } from '../lib/codes';
import type { SessionPrincipal } from '../lib/session';
import { useLoad } from '../lib/useQuery';

const AgencyKeysQuery = graphql(`
  query AgencyKeys($code: String!) {
    agency(code: $code) {
      code name
      keys { fingerprint algorithm createdAt expiresAt revokedAt revocationReason }
    }
  }
`);
const RegisterKey = graphql(`
  mutation RegisterAgencyKey($armored: String!, $signed: String!) {
    registerAgencyKey(armoredPublicKey: $armored, signedChallenge: $signed) { fingerprint }
  }
`);
const KeyChallenge = graphql(`
  mutation AgencyKeyChallenge {
    agencyKeyChallenge { challenge expiresAt }
  }
`);
const RevokeKey = graphql(`
  mutation RevokeAgencyKey($fingerprint: String!, $reason: KeyRevocationReason!, $note: String) {
    revokeAgencyKey(fingerprint: $fingerprint, reason: $reason, note: $note) { fingerprint revokedAt }
  }
`);
const RotationStatus = graphql(`
  query KeyRotation($fingerprint: String!) {
    keyRotationStatus(fingerprint: $fingerprint) { state progress done total rewrapped removed skipped failedReason }
  }
`);

/** The agency's OpenPGP keys: register a new one (a rotation), revoke, and follow the re-wrap. */
export default function AgencyKeys({ principal }: { principal: SessionPrincipal }) {
  const { t, code, dateTime, number } = useI18n();
  const { data, error, loading, reload } = useLoad(() => run(AgencyKeysQuery, { code: principal.agencyCode }), [principal.agencyCode]);
  const [armored, setArmored] = useState('');
  // Proof of possession: the challenge text to sign with the new key's private key, and the signed text.
  const [challenge, setChallenge] = useState<{ text: string; expiresAt: string } | null>(null);
  const [signed, setSigned] = useState('');
  const [actionError, setActionError] = useState<unknown>(null);
  const [reasons, setReasons] = useState<Record<string, KeyRevocationReason>>({});
  const [rotation, setRotation] = useState<{ fingerprint: string; text: string } | null>(null);
  const [notice, setNotice] = useState('');

  async function act(action: () => Promise<unknown>, message: string) {
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

  async function checkRotation(fingerprint: string) {
    const result = await run(RotationStatus, { fingerprint });
    const s = result.keyRotationStatus;
    setRotation({ fingerprint, text: s ? t('keys.rotation', { state: code(s.state), done: number(s.done), total: number(s.total), progress: s.progress }) : t('keys.noRotation') });
  }

  if (loading && !data) return <Loading />;
  if (error) return <ErrorMessage error={error} />;
  const keys = data?.agency?.keys ?? [];

  return (
    <section aria-labelledby="keys-title">
      <h1 id="keys-title">{t('keys.title', { agency: principal.agencyCode })}</h1>
      {notice && <p role="status" className="ok">{notice}</p>}
      <ErrorMessage error={actionError} />
      <table>
        <thead>
          <tr>
            <th scope="col">{t('keys.fingerprint')}</th>
            <th scope="col">{t('keys.algorithm')}</th>
            <th scope="col">{t('keys.created')}</th>
            <th scope="col">{t('keys.expires')}</th>
            <th scope="col">{t('field.status')}</th>
            <th scope="col">{t('keys.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {keys.map((k) => (
            <tr key={k.fingerprint} data-fingerprint={k.fingerprint}>
              <td><code>{k.fingerprint}</code></td>
              <td>{k.algorithm}</td>
              <td>{dateTime(k.createdAt)}</td>
              <td>{dateTime(k.expiresAt) || '—'}</td>
              <td data-testid="key-status">{k.revokedAt ? t('keys.revoked', { reason: code(k.revocationReason ?? ''), at: dateTime(k.revokedAt) }) : t('keys.valid')}</td>
              <td>
                {!k.revokedAt && (
                  <>
                    <label htmlFor={`reason-${k.fingerprint}`} className="visually-hidden">{t('keys.reason')}</label>
                    <select id={`reason-${k.fingerprint}`} value={reasons[k.fingerprint] ?? 'SUPERSEDED'} onChange={(e) => setReasons({ ...reasons, [k.fingerprint]: e.target.value as KeyRevocationReason })}>
                      {REVOCATION_REASONS.map((r) => <option key={r} value={r}>{code(r)}</option>)}
                    </select>{' '}
                    <button type="button" className="danger" onClick={() => { if (window.confirm(t('keys.revokeConfirm'))) void act(() => run(RevokeKey, { fingerprint: k.fingerprint, reason: reasons[k.fingerprint] ?? 'SUPERSEDED' }), t('keys.revokedNotice')); }}>
                      {t('keys.revoke')}
                    </button>{' '}
                  </>
                )}
                <button type="button" className="secondary" onClick={() => void checkRotation(k.fingerprint).catch(setActionError)}>{t('keys.checkRotation')}</button>
                {rotation?.fingerprint === k.fingerprint && <p role="status">{rotation.text}</p>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        className="panel"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          void act(async () => {
            const r = await run(RegisterKey, { armored: armored.trim(), signed: signed.trim() });
            setArmored('');
            setSigned('');
            setChallenge(null);
            await checkRotation(r.registerAgencyKey.fingerprint);
          }, t('keys.registeredNotice'));
        }}
      >
        <h2>{t('keys.register')}</h2>
        <p className="hint">{t('keys.registerHint')}</p>
        <label htmlFor="k-armored">{t('keys.armored')}</label>
        <textarea id="k-armored" rows={6} value={armored} onChange={(e) => setArmored(e.target.value)} />
        <p className="hint">{t('keys.challengeHint')}</p>
        <button
          type="button"
          className="secondary"
          onClick={() => void run(KeyChallenge, {}).then((r) => setChallenge({ text: r.agencyKeyChallenge.challenge, expiresAt: String(r.agencyKeyChallenge.expiresAt) }), setActionError)}
        >
          {t('keys.challengeButton')}
        </button>
        {challenge && (
          <>
            <label htmlFor="k-challenge">{t('keys.challenge', { at: dateTime(challenge.expiresAt) })}</label>
            <textarea id="k-challenge" rows={6} readOnly value={challenge.text} />
          </>
        )}
        <label htmlFor="k-signed">{t('keys.signed')}</label>
        <textarea id="k-signed" rows={6} value={signed} onChange={(e) => setSigned(e.target.value)} />
        <button type="submit" disabled={!armored.trim() || !signed.trim()}>{t('keys.registerButton')}</button>
      </form>
    </section>
  );
}
