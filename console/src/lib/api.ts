import type { TypedDocumentString } from '../gql/graphql';

/** One GraphQL error as the server sends it: a code, and for BAD_USER_INPUT the input paths at fault. */
export interface ApiError {
  message: string;
  extensions?: { code?: string; fields?: string[] };
}

export class GraphqlFailure extends Error {
  constructor(readonly errors: ApiError[]) {
    super(errors.map((e) => e.message).join('; '));
  }

  get code(): string | undefined {
    return this.errors[0]?.extensions?.code;
  }

  /** The message for each input path the server named (`input.quantity.value` → "…"). */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const error of this.errors) for (const field of error.extensions?.fields ?? []) out[field] = error.message;
    return out;
  }
}

let csrfToken = '';
let onSignedOut: () => void = () => {};

/** Set after sign-in: sent as x-csrf-token on every request, since the cookie alone is not enough. */
export function setCsrfToken(token: string): void {
  csrfToken = token;
}

export function getCsrfToken(): string {
  return csrfToken;
}

export function onSessionEnded(listener: () => void): void {
  onSignedOut = listener;
}

/** Runs a typed operation over HTTP with the session cookie; throws GraphqlFailure on errors. */
export async function run<R, V>(document: TypedDocumentString<R, V>, ...[variables]: V extends Record<string, never> ? [] | [V] : [V]): Promise<R> {
  const response = await fetch('/graphql', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken },
    body: JSON.stringify({ query: document.toString(), variables }),
  });
  let body: { data?: R | null; errors?: ApiError[] };
  try {
    body = await response.json();
  } catch {
    throw new GraphqlFailure([{ message: `HTTP ${response.status}` }]);
  }
  if (body.errors?.length) {
    const failure = new GraphqlFailure(body.errors);
    if (failure.code === 'UNAUTHENTICATED') onSignedOut();
    throw failure;
  }
  return body.data as R;
}
