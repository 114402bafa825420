import { Injectable } from '@nestjs/common';
import { AccessService } from '../../access/access.service.js';
import type { RequestContext } from '../../access/request-context.js';
import type { AgencyEntity } from '../../agencies/agency.entity.js';
import { userRecipient } from '../../keys/personal-keys.service.js';
import type { SeizureEntity } from '../data/seizure.entity.js';
import type { SignatureModel } from '../api/seizure.model.js';
import type { SensitiveSection } from '../write/sealed-section.service.js';
import { SEIZURE_FIELDS } from './seizure-fields.js';
import { encodeCursor, type SeizurePage } from '../data/seizure-search.service.js';
import { SeizureLoaderFactory } from './seizure-loaders.js';
import { SeizureView } from './seizure-view.js';

/** An edge of a page; its cursor is encoded only when a client asks for it. */
class SeizureEdge {
  constructor(readonly node: SeizureView) {}

  get cursor(): string {
    return encodeCursor(this.node.entity);
  }
}

/**
 * Turns visible rows into what one reader may see of them (used by every feature that lists
 * reports), and reads the fields of a report that need more than its row, as that reader may see
 * them: the field resolvers only hand over.
 */
@Injectable()
export class SeizureViews {
  constructor(
    private readonly access: AccessService,
    private readonly loaders: SeizureLoaderFactory,
  ) {}

  view(ctx: RequestContext, entity: SeizureEntity): SeizureView {
    return new SeizureView(entity, this.access.permittedFields(ctx.ability, 'Seizure', entity, SEIZURE_FIELDS));
  }

  /**
   * A page as a SeizureConnection; cursors are encoded only when asked for, totalCount counted only
   * when asked for. Each row's fields follow from the rule matches PostgreSQL computed with it.
   */
  connection(ctx: RequestContext, page: SeizurePage, countVisible: () => Promise<number>) {
    // A page's rows match a handful of rule combinations: each is looked up once.
    const permittedByMatches = new Map<string, ReadonlySet<string>>();
    const edges = new Array<SeizureEdge>(page.rows.length);
    for (let i = 0; i < page.rows.length; i += 1) {
      const matches = page.ruleMatches[i];
      let permitted = permittedByMatches.get(matches);
      if (!permitted) permittedByMatches.set(matches, (permitted = this.access.fieldsForMatches(ctx.ability, 'Seizure', matches, SEIZURE_FIELDS)));
      edges[i] = new SeizureEdge(new SeizureView(page.rows[i], permitted));
    }
    const last = page.rows.at(-1);
    return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: last ? encodeCursor(last) : null }, countVisible };
  }

  reportingAgency(ctx: RequestContext, view: SeizureView): Promise<AgencyEntity | null> {
    return this.loaders.for(ctx).agency.load(view.reportingAgencyCode);
  }

  /** The distribution's agencies; none when the reader may not see it (it is then in redactedFields). */
  async releasableTo(ctx: RequestContext, view: SeizureView): Promise<AgencyEntity[]> {
    const codes = view.releasableToCodes;
    if (!codes.length) return [];
    const agencies = await this.loaders.for(ctx).agency.loadMany(codes);
    return agencies.filter((a): a is AgencyEntity => a != null && !(a instanceof Error));
  }

  /** The nominal data, decrypted (each disclosure audited), or null when not disclosed to this reader. */
  sensitive(ctx: RequestContext, view: SeizureView): Promise<SensitiveSection | null> | null {
    return view.mayOpenSensitive ? this.loaders.for(ctx).sensitive.load(view) : null;
  }

  /** The sensitive section sealed to the reader's own agency key; null for any other agency. */
  sealedFor(ctx: RequestContext, view: SeizureView, agency: string | null): Promise<string | null> | null {
    const code = (agency ?? ctx.principal.agencyCode).toUpperCase();
    if (!view.maySealSensitive || code !== ctx.principal.agencyCode) return null;
    return this.loaders.for(ctx).sealed.load({ view, recipient: code, field: 'sealedFor' });
  }

  /** The sensitive section sealed to the reader's personal key. */
  sealedForMe(ctx: RequestContext, view: SeizureView): Promise<string | null> | null {
    if (!view.maySealSensitive) return null;
    return this.loaders.for(ctx).sealed.load({ view, recipient: userRecipient(ctx.principal.userId), field: 'sealedForMe' });
  }

  /** For sealed submissions: who signed, whether that still holds, and as much of what was signed as the reader may see. */
  async signature(ctx: RequestContext, view: SeizureView): Promise<SignatureModel | null> {
    const s = view.entity;
    if (!view.maySeeSignature || !s.signerFingerprint) return null;
    const verified = await this.loaders.for(ctx).signatureTrusted.load(s.signerFingerprint);
    const readText = () => (view.mayShowSignedContent ? this.signedContent(ctx, view) : Promise.resolve(null));
    const signature = {
      signerFingerprint: s.signerFingerprint,
      verified,
      signedAt: s.signedAt,
      detached: view.mayShowDetachedSignature ? s.signature : null,
      // Read only when asked for: from the sensitive section it is a decryption and an audited disclosure.
      get signedContent() {
        return readText();
      },
    };
    return signature as unknown as SignatureModel;
  }

  /** From the plain column, or, when the report has a sensitive section, decrypted with it (an audited disclosure). */
  private async signedContent(ctx: RequestContext, view: SeizureView): Promise<string | null> {
    const s = view.entity;
    if (s.signedContent !== null || !s.hasSensitive || s.serverBlind) return s.signedContent;
    return (await this.loaders.for(ctx).sensitive.load(view))?.signedContent ?? null;
  }
}
