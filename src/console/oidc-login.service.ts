import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { decodeJwt } from 'jose';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.tokens.js';
import { OidcService } from '../auth/oidc.service.js';
import { openUnderKey, sealUnderKey, secretRowKeys } from '../crypto/keyed-seal.js';
import { UnauthenticatedError, NotFoundError } from '../errors/domain-error.js';
import type { UserEntity } from '../users/user.entity.js';

const PENDING_MS = 10 * 60_000;
const STATE = /^[A-Za-z0-9_-]{32}$/;
/**
 * A pending sign-in's row is found by a hash of its state and sealed under a key derived from it
 * (keyed-seal.ts). The state travels in the browser's cookie and the callback URL, never in the
 * database, so a reader of the database alone learns no verifier.
 */
const PENDING_PURPOSE = 'console oidc sign-in';

/**
 * A sign-in between its start and the provider's callback, kept in the database so that the
 * callback may reach any API replica, and taken once. Everything sent to the provider comes from
 * here, never from the browser: the browser brings back only the state, in its cookie and the URL.
 */
interface Pending {
  verifier: string;
  nonce: string;
  redirectUri: string;
}

interface ProviderEndpoints {
  authorization_endpoint: string;
  token_endpoint: string;
}

/**
 * The console's OIDC sign-in: authorization code with PKCE (S256). This service only runs the
 * browser flow and the code exchange; the token it gets is checked by OidcService, the same
 * verification as a Bearer token on the API, and the session re-checks it on every request.
 */
@Injectable()
export class OidcLoginService {
  private endpoints?: ProviderEndpoints;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly oidc: OidcService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  get enabled(): boolean {
    return Boolean(this.config.oidc.issuer && this.config.oidc.clientId);
  }

  /** Starts a sign-in: the provider URL to send the browser to, and the state to bind to it (its cookie). */
  async begin(defaultRedirectUri: string, now = Date.now()): Promise<{ url: string; state: string }> {
    if (!this.enabled) throw new NotFoundError('OIDC sign-in');
    const endpoints = await this.providerEndpoints();
    const state = randomBytes(24).toString('base64url');
    const verifier = randomBytes(48).toString('base64url');
    const nonce = randomBytes(24).toString('base64url');
    const redirectUri = this.config.oidc.redirectUri ?? defaultRedirectUri;
    await this.remember(state, { verifier, nonce, redirectUri }, now);
    const url = new URL(endpoints.authorization_endpoint);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', this.config.oidc.clientId!);
    url.searchParams.set('redirect_uri', redirectUri);
    url.searchParams.set('scope', 'openid email');
    url.searchParams.set('state', state);
    url.searchParams.set('nonce', nonce);
    url.searchParams.set('code_challenge', createHash('sha256').update(verifier).digest('base64url'));
    url.searchParams.set('code_challenge_method', 'S256');
    return { url: url.toString(), state };
  }

  /**
   * Finishes a sign-in: the state in the URL must be the one in this browser's cookie and one this
   * platform started less than 10 minutes ago, not used yet (it is used up now, whatever follows);
   * the code is exchanged with the verifier kept for it, and the token must pass OidcService.
   * Returns the user, the token the session stands for and when it expires.
   */
  async complete(
    state: string | undefined,
    stateCookie: string | undefined,
    code: string | undefined,
    now = Date.now(),
    requestId?: string,
  ): Promise<{ user: UserEntity; token: string; notAfter?: Date }> {
    if (!this.enabled) throw new NotFoundError('OIDC sign-in');
    if (!state || !code || state !== stateCookie) throw new UnauthenticatedError('The sign-in did not start in this browser, or has expired: start again');
    const pending = await this.takePending(state, now);
    if (!pending) throw new UnauthenticatedError('The sign-in has expired: start again');
    const endpoints = await this.providerEndpoints();
    const body = new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: pending.redirectUri,
      client_id: this.config.oidc.clientId!,
      code_verifier: pending.verifier,
    });
    if (this.config.oidc.clientSecret) body.set('client_secret', this.config.oidc.clientSecret);
    const response = await fetch(endpoints.token_endpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body, signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new UnauthenticatedError('The identity provider refused the sign-in code');
    const tokens = (await response.json()) as { access_token?: unknown; id_token?: unknown };
    const idToken = typeof tokens.id_token === 'string' ? tokens.id_token : undefined;
    if (idToken && this.claim(idToken, 'nonce') !== pending.nonce) throw new UnauthenticatedError('The identity provider answered for another sign-in');
    // The API accepts the access token when it is a JWT for our audience; otherwise the ID token.
    const candidates = [tokens.access_token, idToken].filter((t): t is string => typeof t === 'string' && OidcService.looksLikeJwt(t));
    for (const token of candidates) {
      const user = await this.oidc.userForToken(token, requestId);
      if (!user) continue;
      const exp = this.claim(token, 'exp');
      return { user, token, notAfter: typeof exp === 'number' ? new Date(exp * 1000) : undefined };
    }
    throw new UnauthenticatedError('No Windward user is bound to this identity');
  }

  private claim(token: string, name: string): unknown {
    try {
      return decodeJwt(token)[name];
    } catch {
      return undefined;
    }
  }

  private async providerEndpoints(): Promise<ProviderEndpoints> {
    if (this.endpoints) return this.endpoints;
    const issuer = this.config.oidc.issuer!;
    const discovery = await fetch(new URL('.well-known/openid-configuration', issuer.endsWith('/') ? issuer : `${issuer}/`), { signal: AbortSignal.timeout(10_000) });
    if (!discovery.ok) throw new Error(`OIDC discovery failed with HTTP ${discovery.status}`);
    const document = (await discovery.json()) as Partial<ProviderEndpoints>;
    if (typeof document.authorization_endpoint !== 'string' || typeof document.token_endpoint !== 'string') {
      throw new Error('OIDC discovery document lacks authorization_endpoint or token_endpoint');
    }
    this.endpoints = { authorization_endpoint: document.authorization_endpoint, token_endpoint: document.token_endpoint };
    return this.endpoints;
  }

  /** Sign-ins older than PENDING_MS are removed as new ones start (any visitor may start one; none is evicted early). */
  private async remember(state: string, pending: Pending, now: number): Promise<void> {
    const { rowKey, sealKey } = secretRowKeys(state, PENDING_PURPOSE);
    await this.dataSource.query('DELETE FROM console_oidc_logins WHERE created_at <= $1', [new Date(now - PENDING_MS)]);
    await this.dataSource.query('INSERT INTO console_oidc_logins (state_hash, pending, created_at) VALUES ($1, $2, $3)', [
      rowKey, sealUnderKey(sealKey, rowKey, JSON.stringify(pending)), new Date(now),
    ]);
  }

  /** The sign-in this state started, once: taking it removes it, whichever replica asks first. */
  private async takePending(state: string, now: number): Promise<Pending | null> {
    if (!STATE.test(state)) return null;
    const { rowKey, sealKey } = secretRowKeys(state, PENDING_PURPOSE);
    // TypeORM answers a DELETE with [rows, affected].
    const [rows] = (await this.dataSource.query('DELETE FROM console_oidc_logins WHERE state_hash = $1 RETURNING pending, created_at', [rowKey])) as [{ pending: Buffer; created_at: Date }[], number];
    const row = rows[0];
    const startedAt = row ? new Date(row.created_at).getTime() : Number.NaN;
    if (!row || !(now - startedAt <= PENDING_MS)) return null;
    const text = openUnderKey(sealKey, rowKey, row.pending);
    return text === null ? null : (JSON.parse(text) as Pending);
  }
}
