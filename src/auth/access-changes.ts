/**
 * A change to who may see what, published by whoever made it (an API key revoked, a user's roles
 * or agency changed, an OIDC binding removed, a session ended, an operation closed) and carried to
 * every process by the same event bus as report events (alerts/seizure-event-bus.ts).
 * `users`: these users' credentials or attributes changed, so their live connections close.
 * `agencies`: facts about these agencies changed (operation membership), so their users' live
 * subscriptions are re-authorised at once.
 */
export interface AccessChange {
  users?: string[];
  agencies?: string[];
  reason: string;
  /** The request that made the change, when one did: for the log line if it cannot be published. */
  requestId?: string;
}

export interface AccessChangePublisher {
  /** Never throws: the change itself is committed; a lost message leaves the periodic re-check. */
  publish(change: AccessChange): Promise<void>;
}

/** Provided by the alerts feature (it owns the bus); optional for services that publish. */
export const ACCESS_CHANGE_PUBLISHER = Symbol('ACCESS_CHANGE_PUBLISHER');
