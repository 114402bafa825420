import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import DataLoader from 'dataloader';
import { DataSource } from 'typeorm';
import { AgenciesService } from '../../agencies/agencies.service.js';
import type { AgencyEntity } from '../../agencies/agency.entity.js';
import { AuditService, auditFromContext } from '../../audit/audit.service.js';
import { AgencyKeysService, normalizeFingerprint } from '../../keys/agency-keys.service.js';
import { PerRequest, type RequestContext } from '../../access/request-context.js';
import { SealedSectionService, type SensitiveSection } from '../write/sealed-section.service.js';
import type { SeizureView } from './seizure-view.js';
import { SeizureSearchService } from '../data/seizure-search.service.js';
import type { SeizureEntity } from '../data/seizure.entity.js';

export interface SeizureLoaders {
  agency: DataLoader<string, AgencyEntity | null>;
  /**
   * Reports by id as the reader may see them (retracted included): aliased `seizure(id:)` fields
   * of one request are read in one query, and so come back together and are audited in one batch.
   */
  visible: DataLoader<string, SeizureEntity | null>;
  /** Opens sensitive sections in one batch and records each disclosure in the audit trail. */
  sensitive: DataLoader<SeizureView, SensitiveSection | null, string>;
  /**
   * Sections as sealed to a recipient key (`sealedFor`, `sealedForMe`), a page's in one batch, each
   * copy handed out recorded in the audit trail as a decryption is: whoever holds the key opens it
   * offline, so the hand-out is the last moment the platform can say who took it.
   */
  sealed: DataLoader<SealedHandOut, string | null>;
  /** Whether signatures by a key still verify (AgencyKeysService.signatureTrust), a page's keys in one query. */
  signatureTrusted: DataLoader<string, boolean>;
}

export interface SealedHandOut {
  view: SeizureView;
  /** An agency code, or `user:<id>` for a personal key. */
  recipient: string;
  field: 'sealedFor' | 'sealedForMe';
}

/** Per-request batch loaders, so a page of 50 reports costs a few queries, not 50 × N. */
@Injectable()
export class SeizureLoaderFactory {
  private readonly byRequest = new PerRequest((ctx) => this.make(ctx));

  constructor(
    private readonly agencies: AgenciesService,
    private readonly sections: SealedSectionService,
    private readonly audit: AuditService,
    private readonly search: SeizureSearchService,
    private readonly agencyKeys: AgencyKeysService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  for(ctx: RequestContext): SeizureLoaders {
    return this.byRequest.for(ctx);
  }

  private make(ctx: RequestContext): SeizureLoaders {
    return {
    agency: new DataLoader(async (codes) => {
      const found = await this.agencies.findByCodes(codes);
      return codes.map((code) => found.get(code) ?? null);
    }),
    visible: new DataLoader(async (ids) => {
      const rows = await this.search.byIds(ctx, ids);
      const byId = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id.toLowerCase()) ?? null);
    }),
    sensitive: new DataLoader(
      async (views) => {
        const opened = await this.sections.openMany(views.map((v) => v.id));
        await this.recordDisclosures(ctx, 'seizure.disclose.sensitive', views.filter((v) => opened.has(v.id)).map((view) => ({ view, field: 'sensitive' })));
        return views.map((v) => opened.get(v.id) ?? null);
      },
      { cacheKeyFn: (view) => view.id },
    ),
    // Batched, not cached: a mutation that reseals answers with the copies as they are now.
    sealed: new DataLoader(
      async (handOuts) => {
        const copies = await this.sections.sealedForMany(handOuts.map(({ view, recipient }) => ({ seizureId: view.id, recipient })));
        const handedOut = handOuts.filter((_handOut, i) => copies[i] !== null);
        await this.recordDisclosures(ctx, 'seizure.disclose.sealed', handedOut.map(({ view, recipient, field }) => ({ view, field, details: { recipient } })));
        return copies;
      },
      { cache: false },
    ),
    // Not cached either: a key revoked in a mutation of the request shows at once.
    signatureTrusted: new DataLoader(async (fingerprints) => {
      const trust = await this.agencyKeys.signatureTrust(fingerprints);
      return fingerprints.map((fingerprint) => trust.get(normalizeFingerprint(fingerprint)) ?? false);
    }, { cache: false }),
    };
  }

  /**
   * Records what a batch disclosed of each report, one audit event each, in one transaction: the
   * chain lock is taken once per page, not per record.
   */
  private async recordDisclosures(ctx: RequestContext, action: string, disclosures: { view: SeizureView; field: string; details?: Record<string, unknown> }[]): Promise<void> {
    if (!disclosures.length) return;
    await this.dataSource.transaction((manager) =>
      this.audit.appendMany(
        manager,
        disclosures.map(({ view, field, details }) =>
          auditFromContext(ctx, { action, resourceType: 'Seizure', resourceId: view.id, resourceAgency: view.reportingAgencyCode, fields: [field], ...(details ? { details } : {}) }),
        ),
      ),
    );
  }
}
