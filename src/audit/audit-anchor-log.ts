import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.tokens.js';
import { JsonLogger } from '../observability/json-logger.js';
import type { AuditAnchor } from './audit-anchors.js';
import { AuditService } from './audit.service.js';

/**
 * Writes the end of the audit chain to the log ("audit anchor", with its seq and hash) every
 * `audit.anchorIntervalSeconds` when it moved. The log leaves the database's reach (a collector
 * keeps it), so a later `windward audit verify --anchor <seq>:<hash>` shows whether events were
 * deleted from the end of the chain since. The line is written whatever LOG_LEVEL is. The timer
 * does not keep a process alive: a short command ends before its first tick and writes nothing,
 * and a server writes its first anchor one interval after it starts.
 */
@Injectable()
export class AuditAnchorLog implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private lastLogged: string | null = null;

  constructor(
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly logger: JsonLogger,
  ) {}

  onApplicationBootstrap(): void {
    const seconds = this.config.audit.anchorIntervalSeconds;
    if (seconds <= 0) return;
    this.timer = setInterval(() => void this.logAnchor(), seconds * 1000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Logs the chain's end if it moved since the last line; returns it (null for an empty chain). */
  async logAnchor(): Promise<AuditAnchor | null> {
    try {
      const anchor = await this.audit.chainEnd();
      if (!anchor) return null;
      const text = `${anchor.seq}:${anchor.hash}`;
      if (text !== this.lastLogged) {
        this.logger.record('audit anchor', { anchor: text });
        this.lastLogged = text;
      }
      return anchor;
    } catch (error) {
      this.logger.event('warn', 'audit anchor not read', { error: error instanceof Error ? error.message : String(error) });
      return null;
    }
  }
}
