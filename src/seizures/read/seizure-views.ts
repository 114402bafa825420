import { Injectable } from '@nestjs/common';
import { AccessService } from '../../access/access.service.js';
import type { RequestContext } from '../../access/request-context.js';
import type { SeizureEntity } from '../data/seizure.entity.js';
import { SEIZURE_FIELDS } from './seizure-fields.js';
import { encodeCursor, type SeizurePage } from '../data/seizure-search.service.js';
import { presentSeizure, type SeizureView } from './seizure-view.js';

/** Turns visible rows into what one reader may see of them (used by every feature that lists reports). */
@Injectable()
export class SeizureViews {
  constructor(private readonly access: AccessService) {}

  view(ctx: RequestContext, entity: SeizureEntity): SeizureView {
    return presentSeizure(entity, this.access.permittedFields(ctx.ability, 'Seizure', entity, SEIZURE_FIELDS));
  }

  /**
   * A page as a SeizureConnection; cursors are encoded only when asked for, totalCount counted only
   * when asked for. Each row's fields follow from the rule matches PostgreSQL computed with it.
   */
  connection(ctx: RequestContext, page: SeizurePage, countVisible: () => Promise<number>) {
    const edges = page.rows.map((row, i) => ({
      get cursor() {
        return encodeCursor(row);
      },
      node: presentSeizure(row, this.access.fieldsForMatches(ctx.ability, 'Seizure', page.ruleMatches[i], SEIZURE_FIELDS)),
    }));
    const last = page.rows.at(-1);
    return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: last ? encodeCursor(last) : null }, countVisible };
  }
}
