import type { SeizureEntity } from '../seizures/data/seizure.entity.js';

/**
 * The non-nominal projection of a report that leaves the platform in a webhook. Built from an
 * allow-list: the sensitive section, persons, narrative, identifiers, exact coordinates and the
 * conveyance identifier are never part of it, whatever the reader's rights; the optional facts
 * appear only when the alert owner may see them.
 */
export interface WebhookSeizure {
  id: string;
  reference: string;
  reportingAgency: string;
  tlp: string;
  seizedAt: string;
  country: string;
  commodity: { category: string; type: string | null; description: string | null };
  quantity: { value: number; unit: string };
  transportMode: string;
  detectionMethod: string;
  route: { origin: string | null; transit: string[]; destination: string | null } | null;
  concealment: string | null;
}

export interface WebhookBody {
  alertId: string;
  alertName: string;
  event: 'alert.matched';
  seizure: WebhookSeizure;
  deliveredAt: string;
}

export function webhookSeizure(s: SeizureEntity, permitted: ReadonlySet<string>): WebhookSeizure {
  const may = (field: string) => permitted.has(field);
  return {
    id: s.id,
    reference: s.reference,
    reportingAgency: s.reportingAgency,
    tlp: s.tlp,
    seizedAt: s.seizedAt.toISOString(),
    country: s.country,
    commodity: { category: s.commodityCategory, type: s.commodityType, description: s.commodityDescription },
    quantity: { value: s.quantityValue, unit: s.quantityUnit },
    transportMode: s.transportMode,
    detectionMethod: s.detectionMethod,
    route: may('route') && (s.routeOrigin || s.routeDestination || s.routeTransit.length)
      ? { origin: s.routeOrigin, transit: s.routeTransit, destination: s.routeDestination }
      : null,
    concealment: may('concealment') ? s.concealment : null,
  };
}
