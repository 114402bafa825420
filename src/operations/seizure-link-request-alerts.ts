import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AccessService } from '../access/access.service.js';
import { PushQueue } from '../alerts/push-queue.js';
import { REQUEST_CONTEXT_FACTORY, type CredentialHeaders, type RequestContext, type RequestContextFactory } from '../access/request-context.js';
import { DomainError } from '../errors/domain-error.js';
import { refuseSubscriptionBeyond, subscriptionsHeldBy } from '../alerts/subscription-quota.js';
import { JsonLogger } from '../observability/json-logger.js';
import { RecentlySeen } from './recently-seen.js';
import { SeizureLinkRequestEntity } from './seizure-link-request.entity.js';

const POLL_MS = 1000;
/** Requests commit a moment after their created_at: look this far back, skipping what was seen. */
const OVERLAP_MS = 10_000;
const REFRESH_MS = 60_000;
/** Link-request subscriptions one user may hold in this process (each request is checked for every one). */
const SUBSCRIPTIONS_PER_USER = 10;

export interface LinkRequestAlert {
  ctx: RequestContext;
  request: SeizureLinkRequestEntity;
}

interface Subscriber {
  ctx: RequestContext;
  /** The connection's credentials (Authorization, or the console's session cookie and CSRF token). */
  credentials: CredentialHeaders;
  checkedAt: number;
  queue: PushQueue<LinkRequestAlert>;
}

/**
 * The alert a link request raises to the report's owner: `seizureLinkRequested` pushes each new
 * request to the subscribers who may answer it (the owner agency's ELOs and administrators, by the
 * policy's SeizureLinkRequest `update` rule). Requests are read from the table every second while
 * anyone listens, so an alert reaches subscribers of every API process and on either database.
 */
@Injectable()
export class SeizureLinkRequestAlerts implements OnApplicationShutdown {
  private readonly subscribers = new Set<Subscriber>();
  private readonly seen = new RecentlySeen();
  private timer: NodeJS.Timeout | null = null;
  private since: Date | null = null;
  private polling = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
    @Inject(REQUEST_CONTEXT_FACTORY) private readonly contexts: RequestContextFactory,
    private readonly logger: JsonLogger,
  ) {}

  /** Subscriptions open in this process (tests wait on it rather than sleep). */
  get activeCount(): number {
    return this.subscribers.size;
  }

  /** Subscriptions open in this process for one user. */
  /** The user's live subscriptions here (with a key `issuedBy` issued, when given; else their own credentials). */
  subscriptionsOf(userId: string, issuedBy?: string): number {
    return subscriptionsHeldBy(this.subscribers, userId, issuedBy);
  }

  async subscribe(ctx: RequestContext, credentials: CredentialHeaders): Promise<AsyncIterableIterator<LinkRequestAlert>> {
    refuseSubscriptionBeyond(this.subscribers, ctx.principal, SUBSCRIPTIONS_PER_USER, REFRESH_MS / 1000); // the slot is taken below, before any await
    const subscriber: Subscriber = {
      ctx, credentials, checkedAt: Date.now(),
      queue: new PushQueue<LinkRequestAlert>(() => {
        this.subscribers.delete(subscriber);
        if (this.subscribers.size === 0) this.stop();
      }),
    };
    this.subscribers.add(subscriber);
    if (!this.timer) {
      try {
        // Only requests made from now on: the pending ones are listed by seizureLinkRequests.
        const rows: { now: Date }[] = await this.dataSource.query('SELECT now() AS now');
        // Everyone may have left (or the process begun shutting down) while the query ran.
        if (this.subscribers.size > 0 && !this.timer) {
          this.since ??= new Date(rows[0].now);
          this.timer = setInterval(() => void this.poll(), POLL_MS);
          this.timer.unref();
        }
      } catch (error) {
        this.subscribers.delete(subscriber);
        if (this.subscribers.size === 0) this.stop();
        throw error;
      }
    }
    return subscriber.queue;
  }

  private async poll(): Promise<void> {
    if (this.polling || !this.since) return;
    this.polling = true;
    try {
      const rows = await this.dataSource
        .getRepository(SeizureLinkRequestEntity)
        .createQueryBuilder('q')
        .where('q.created_at > :from', { from: new Date(this.since.getTime() - OVERLAP_MS) })
        .orderBy('q.created_at', 'ASC')
        .getMany();
      for (const request of rows) {
        if (!this.since) break; // everyone left meanwhile
        if (!this.seen.firstTime(request.id, request.createdAt)) continue;
        if (request.createdAt > this.since) this.since = request.createdAt;
        for (const subscriber of [...this.subscribers]) await this.offer(subscriber, request);
      }
      // What the next poll cannot return any more (it looks back from a `since` that only grows).
      if (this.since) this.seen.forgetBefore(new Date(this.since.getTime() - OVERLAP_MS));
    } catch (error) {
      this.logger.event('error', 'link request alerts: poll failed', { error: error instanceof Error ? error.message : String(error) });
    } finally {
      this.polling = false;
    }
  }

  private async offer(subscriber: Subscriber, request: SeizureLinkRequestEntity): Promise<void> {
    if (subscriber.queue.done) return;
    if (Date.now() - subscriber.checkedAt >= REFRESH_MS) {
      try {
        subscriber.ctx = await this.contexts.forRequest(subscriber.credentials, { requestId: subscriber.ctx.requestId, recheck: true });
        subscriber.checkedAt = Date.now();
      } catch (error) {
        if (error instanceof DomainError) return subscriber.queue.end(); // revoked credentials end the stream
        throw error;
      }
    }
    if (this.access.can(subscriber.ctx.ability, 'update', 'SeizureLinkRequest', request)) subscriber.queue.push({ ctx: subscriber.ctx, request });
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.since = null;
  }

  onApplicationShutdown(): void {
    for (const subscriber of [...this.subscribers]) subscriber.queue.end();
    this.stop();
  }
}
