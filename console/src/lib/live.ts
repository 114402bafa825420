import { createClient, type Client } from 'graphql-ws/client';
import type { TypedDocumentString } from '../gql/graphql';
import { getCsrfToken } from './api';

let client: Client | null = null;

/**
 * One WebSocket to /graphql for the console's subscriptions. The browser sends the session cookie
 * with the upgrade; the CSRF token goes in connection_init, as the server requires.
 */
function socket(): Client {
  client ??= createClient({
    url: `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/graphql`,
    connectionParams: () => ({ csrfToken: getCsrfToken() }),
    lazy: true,
    retryAttempts: 5,
  });
  return client;
}

/** Subscribes; returns the function that ends the subscription. */
export function subscribe<R, V>(document: TypedDocumentString<R, V>, variables: V, onData: (data: R) => void, onError: (error: unknown) => void): () => void {
  return socket().subscribe<R>(
    { query: document.toString(), variables: variables as Record<string, unknown> },
    {
      next: (result) => {
        if (result.errors?.length) onError(new Error(result.errors.map((e) => e.message).join('; ')));
        else if (result.data) onData(result.data as R);
      },
      error: onError,
      complete: () => {},
    },
  );
}

/** Closes the WebSocket (at sign-out): the server would refuse its session from then on anyway. */
export function closeLive(): void {
  void client?.dispose();
  client = null;
}
