import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { decodeJwt } from 'jose';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.tokens.js';
import { OidcService } from '../auth/oidc.service.js';
import { UnauthenticatedError, NotFoundError } from '../errors/domain-error.js';
import type { UserEntity } from '../users/user.entity.js';

const PENDING_MS = 10 * 60_000;
const STATE = /^[A-Za-z0-9_-]{32}$/;
const TOKEN = /^[A-Za-z0-9_-]{16,128}$/;

/**
 * A sign-in between its start and the provider's callback. It travels in the browser's HttpOnly
 * state cookie, so that the callback may reach any API replica and nothing is written for a
 * sign-in nobody finishes (anyone may start one). The verifier in it is worth nothing without the
 * browser's code, and the code nothing without it; the state in the URL must match the cookie's.
 */
interface Pending {
  state: string;
  verifier: string;
  nonce: string;
  redirectUri: string;
  startedAt: number;
}

/** The state cookie's value: the state, then the rest of the sign-in as base64url JSON. */
export function pendingCookieValue(pending: Pending): string {
  const { state, ...rest } = pending;
  return `${state}.${Buffer.from(JSON.stringify(rest), 'utf8').toString('base64url')}`;
}

/** The sign-in a state cookie holds, or null for anything that is not one this server wrote. */
export function pendingFromCookie(value: string | undefined): Pending | null {
  if (!value || value.length > 2048) return null;
  const dot = value.indexOf('.');
  const state = value.slice(0, dot);
  if (dot < 0 || !STATE.test(state)) return null;
  try {
    const rest = JSON.parse(Buffer.from(value.slice(dot + 1), 'base64url').toString('utf8')) as Record<string, unknown>;
    const { verifier, nonce, redirectUri, startedAt } = rest;
    if (typeof verifier !== 'string' || !TOKEN.test(verifier) || typeof nonce !== 'string' || !TOKEN.test(nonce)) return null;
    if (typeof redirectUri !== 'string' || redirectUri.length > 1024 || typeof startedAt !== 'number' || !Number.isFinite(startedAt)) return null;
    return { state, verifier, nonce, redirectUri, startedAt };
  } catch {
    return null;
  }
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
  ) {}

  get enabled(): boolean {
    return Boolean(this.config.oidc.issuer && this.config.oidc.clientId);
  }

  /** Starts a sign-in: the provider URL to send the browser to, and the state cookie's value to bind it to that browser. */
  async begin(defaultRedirectUri: string, now = Date.now()): Promise<{ url: string; cookie: string }> {
    if (!this.enabled) throw new NotFoundError('OIDC sign-in');
    const endpoints = await this.providerEndpoints();
    const state = randomBytes(24).toString('base64url');
    const verifier = randomBytes(48).toString('base64url');
    const nonce = randomBytes(24).toString('base64url');
    const redirectUri = this.config.oidc.redirectUri ?? defaultRedirectUri;
    const cookie = pendingCookieValue({ state, verifier, nonce, redirectUri, startedAt: now });
    const url = new URL(endpoints.authorization_endpoint);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', this.config.oidc.clientId!);
    url.searchParams.set('redirect_uri', redirectUri);
    url.searchParams.set('scope', 'openid email');
    url.searchParams.set('state', state);
    url.searchParams.set('nonce', nonce);
    url.searchParams.set('code_challenge', createHash('sha256').update(verifier).digest('base64url'));
    url.searchParams.set('code_challenge_method', 'S256');
    return { url: url.toString(), cookie };
  }

  /**
   * Finishes a sign-in: the state in the URL must be the one in this browser's state cookie, started
   * less than 10 minutes ago; the code is exchanged with the verifier, and the token must pass
   * OidcService. Returns the user, the token the session stands for and when it expires.
   */
  async complete(state: string | undefined, stateCookie: string | undefined, code: string | undefined, now = Date.now()): Promise<{ user: UserEntity; token: string; notAfter?: Date }> {
    if (!this.enabled) throw new NotFoundError('OIDC sign-in');
    const pending = pendingFromCookie(stateCookie);
    if (!state || !code || !pending || state !== pending.state) throw new UnauthenticatedError('The sign-in did not start in this browser, or has expired: start again');
    if (now - pending.startedAt > PENDING_MS || pending.startedAt > now + 60_000) throw new UnauthenticatedError('The sign-in has expired: start again');
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
      const user = await this.oidc.userForToken(token);
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
}
