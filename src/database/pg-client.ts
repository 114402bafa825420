import pg from 'pg';

/**
 * A `pg` client whose broken connection cannot crash the process. pg emits 'error' on a client
 * whose socket fails even while a query runs on it (that query is rejected too), and pg-pool
 * listens for it only while the client is idle: a checked-out client whose socket broke (EPIPE when
 * the process serving the embedded database stopped) threw "Unhandled 'error' event". The failure
 * still reaches the caller through its query, and the pool still drops the client.
 */
export class GuardedClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    this.on('error', () => undefined);
  }
}
