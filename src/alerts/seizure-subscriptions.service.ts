import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { REQUEST_CONTEXT_FACTORY, type CredentialHeaders, type RequestContext, type RequestContextFactory } from '../access/request-context.js';
import { DomainError } from '../errors/domain-error.js';
import { refuseSubscriptionBeyond, subscriptionsHeldBy } from './subscription-quota.js';
import { JsonLogger } from '../observability/json-logger.js';
import type { SeizureEntity } from '../seizures/data/seizure.entity.js';
import type { SeizureFilter } from '../seizures/api/seizure.inputs.js';
import { SeizureSearchService } from '../seizures/data/seizure-search.service.js';
import type { SeizureView } from '../seizures/read/seizure-view.js';
import { SeizureViews } from '../seizures/read/seizure-views.js';
import { ALERTING_CHANGES } from './alert-trigger.js';
import { PushQueue } from './push-queue.js';
import { SEIZURE_EVENT_BUS, type AccessChange, type SeizureEvent, type SeizureEventBus } from './seizure-event-bus.js';
import { SeizureNovelty } from './seizure-novelty.js';

/**
 * How long a subscriber's credentials and ability are trusted before they are checked again. A
 * change of access is also pushed (AccessChange on the event bus) and acts at once; this bounds
 * the window should such a message be lost.
 */
const REFRESH_MS = 60_000;
/** Reports remembered per subscription, so a repeated event is not delivered twice. */
const REMEMBERED = 1000;
/**
 * Live subscriptions one set of credentials may hold in this process: every event is checked for
 * each of them in turn, so without a bound one user's thousands would delay everyone's deliveries.
 * The console's Alerts screen holds one per saved alert (at most 50 a user): two tabs of it, and room.
 */
export const SUBSCRIPTIONS_PER_USER = 120;

/** One delivery: the reader's redacted view, and the context its field resolvers must use. */
export interface SeizureReported {
  ctx: RequestContext;
  view: SeizureView;
}

interface Subscriber {
  ctx: RequestContext;
  checkedAt: number;
  /** The connection's credentials (Authorization, or the console's session cookie and CSRF token). */
  credentials: CredentialHeaders;
  filter: SeizureFilter;
  delivered: Set<string>;
  queue: PushQueue<SeizureReported>;
}

/**
 * The `seizureReported` subscriptions held by this process. Every event is checked for each
 * subscriber with their own ability and filter through the SQL of their searches, then redacted
 * for them, so a subscription never shows what a search would not.
 */
@Injectable()
export class SeizureSubscriptions implements OnApplicationShutdown {
  private readonly subscribers = new Set<Subscriber>();
  private stopListening?: Promise<() => void>;
  private stopAccessChanges?: Promise<() => void>;
  private processing: Promise<void> = Promise.resolve();

  constructor(
    @Inject(SEIZURE_EVENT_BUS) private readonly bus: SeizureEventBus,
    private readonly search: SeizureSearchService,
    private readonly views: SeizureViews,
    private readonly novelty: SeizureNovelty,
    @Inject(REQUEST_CONTEXT_FACTORY) private readonly contexts: RequestContextFactory,
    private readonly logger: JsonLogger,
  ) {}

  get activeCount(): number {
    return this.subscribers.size;
  }

  /** How many live subscriptions the user holds in this process (with a key `issuedBy` issued, when given; else their own credentials). */
  subscriptionsOf(userId: string, issuedBy?: string): number {
    return subscriptionsHeldBy(this.subscribers, userId, issuedBy);
  }

  async subscribe(ctx: RequestContext, credentials: CredentialHeaders, filter: SeizureFilter | null): Promise<AsyncIterableIterator<SeizureReported>> {
    const given = filter ?? {};
    this.search.checkFilter(given); // refuses a bad filter now, as a search would
    refuseSubscriptionBeyond(this.subscribers, ctx.principal, SUBSCRIPTIONS_PER_USER, REFRESH_MS / 1000); // the slot is taken below, before any await
    const subscriber: Subscriber = {
      ctx,
      checkedAt: Date.now(),
      credentials,
      filter: { ...given, includeRetracted: false },
      delivered: new Set(),
      queue: new PushQueue<SeizureReported>(() => this.subscribers.delete(subscriber)),
    };
    this.subscribers.add(subscriber);
    try {
      this.stopListening ??= this.bus.subscribe((event) => this.enqueue(event)).catch((error: unknown) => {
        this.stopListening = undefined;
        throw error;
      });
      this.stopAccessChanges ??= this.bus.subscribeAccessChanges((change) => this.accessChanged(change)).catch((error: unknown) => {
        this.stopAccessChanges = undefined;
        throw error;
      });
      await Promise.all([this.stopListening, this.stopAccessChanges]);
    } catch (error) {
      this.subscribers.delete(subscriber);
      throw error;
    }
    return subscriber.queue;
  }

  /**
   * Named users' subscriptions end (their connections are closed too, by LiveConnections);
   * subscriptions of users of named agencies are re-authorised now, in line with report events, so
   * the next report is judged by the new ability (an operation closed or joined).
   */
  private accessChanged(change: AccessChange): void {
    const users = new Set(change.users ?? []);
    const agencies = new Set(change.agencies ?? []);
    const affected = [...this.subscribers].filter((s) => users.has(s.ctx.principal.userId) || agencies.has(s.ctx.principal.agencyCode));
    if (affected.length === 0) return;
    this.processing = this.processing.then(async () => {
      for (const subscriber of affected) {
        if (users.has(subscriber.ctx.principal.userId)) {
          subscriber.queue.end();
          continue;
        }
        subscriber.checkedAt = 0;
        if (!(await this.currentContext(subscriber))) subscriber.queue.end();
      }
    }).catch((error: unknown) => {
      this.logger.event('error', 'subscription re-authorisation failed', { reason: change.reason, error: error instanceof Error ? error.message : String(error) });
    });
  }

  /** One event at a time, in arrival order. */
  private enqueue(event: SeizureEvent): void {
    this.processing = this.processing.then(() => this.dispatch(event)).catch((error: unknown) => {
      this.logger.event('error', 'seizure subscription dispatch failed', { seizureId: event.seizureId, error: error instanceof Error ? error.message : String(error) });
    });
  }

  private async dispatch(event: SeizureEvent): Promise<void> {
    if (this.subscribers.size === 0 || !ALERTING_CHANGES.has(event.change)) return;
    const entity = await this.search.unrestrictedById(event.seizureId);
    // Low grades feed no alert (domain.md §4 rule 5); retracted reports are no news.
    if (!entity || entity.status === 'RETRACTED' || entity.lowGrade) return;
    const before = await this.novelty.before(entity, event.version);
    // Each subscriber fails alone: an error evaluating one filter ends that stream (with the error
    // logged) and the others still get the event.
    for (const subscriber of [...this.subscribers]) {
      try {
        await this.offer(subscriber, entity.id, before);
      } catch (error) {
        this.logger.event('error', 'seizure subscription delivery failed', {
          seizureId: entity.id, userId: subscriber.ctx.principal.userId, error: error instanceof Error ? error.message : String(error),
        });
        subscriber.queue.end();
      }
    }
  }

  private async offer(subscriber: Subscriber, seizureId: string, before: SeizureEntity | null): Promise<void> {
    if (subscriber.delivered.has(seizureId) || subscriber.queue.done) return;
    const ctx = await this.currentContext(subscriber);
    if (!ctx) return subscriber.queue.end();
    if (!this.novelty.isNewTo(ctx, before)) return;
    let visible: SeizureEntity | null;
    try {
      visible = await this.search.findMatching(ctx, subscriber.filter, seizureId);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return subscriber.queue.end();
    }
    if (!visible) return;
    subscriber.delivered.add(seizureId);
    if (subscriber.delivered.size > REMEMBERED) subscriber.delivered.delete(subscriber.delivered.values().next().value as string);
    subscriber.queue.push({ ctx, view: this.views.view(ctx, visible) });
  }

  /** The subscriber's context, re-authenticated now and then: revoked credentials end the stream. */
  private async currentContext(subscriber: Subscriber): Promise<RequestContext | null> {
    if (Date.now() - subscriber.checkedAt < REFRESH_MS) return subscriber.ctx;
    try {
      subscriber.ctx = await this.contexts.forRequest(subscriber.credentials, { requestId: subscriber.ctx.requestId, recheck: true });
      subscriber.checkedAt = Date.now();
      return subscriber.ctx;
    } catch (error) {
      if (error instanceof DomainError) return null;
      throw error;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    for (const subscriber of [...this.subscribers]) subscriber.queue.end();
    const stops = await Promise.all([this.stopListening, this.stopAccessChanges].map((p) => p?.catch(() => undefined)));
    for (const stop of stops) stop?.();
  }
}
