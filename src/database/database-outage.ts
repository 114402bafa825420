import { isDatabaseUnavailable, unavailableReason } from '../errors/database-unavailable.js';
import type { JsonLogger } from '../observability/json-logger.js';

/**
 * Knows whether the database is down, so that an outage is logged once when it starts and once
 * when it ends (with how long it lasted and how many requests were refused), not once per failed
 * request. While it is down, a probe checks every `probeIntervalMs` whether it is back.
 */
export class DatabaseOutage {
  private since: number | null = null;
  private refused = 0;
  private probe?: NodeJS.Timeout;
  private probing = false;

  constructor(
    private readonly logger: JsonLogger,
    private readonly ping: () => Promise<unknown>,
    private readonly probeIntervalMs = 1000,
  ) {}

  get down(): boolean {
    return this.since !== null;
  }

  /** Seconds a client should wait before trying again. */
  get retryAfterSeconds(): number {
    return Math.max(1, Math.ceil((this.probeIntervalMs * 2) / 1000));
  }

  /**
   * Records a failure if it means the database is unreachable; returns whether it did. The first
   * such failure logs the outage; the following ones are only counted.
   */
  noteFailure(error: unknown): boolean {
    if (!isDatabaseUnavailable(error)) return false;
    this.refused += 1;
    if (this.since === null) {
      this.since = Date.now();
      this.logger.event('error', 'database unavailable', { reason: unavailableReason(error) });
      this.probe = setInterval(() => void this.check(), this.probeIntervalMs);
      this.probe.unref();
    }
    return true;
  }

  private async check(): Promise<void> {
    if (this.probing || this.since === null) return;
    this.probing = true;
    try {
      await this.ping();
      this.logger.event('info', 'database available again', { downMs: Date.now() - this.since, refused: this.refused });
      this.since = null;
      this.refused = 0;
      clearInterval(this.probe);
    } catch {
      // still down; the next tick tries again
    } finally {
      this.probing = false;
    }
  }

  close(): void {
    clearInterval(this.probe);
  }
}
