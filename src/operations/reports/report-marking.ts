import { BadUserInputError } from '../../errors/domain-error.js';
import { TLP_ORDER, type Tlp } from '../../seizures/seizure.enums.js';

/**
 * A report's TLP marking. A report is marked at least as restrictively as the most restrictive
 * report it carries and as its operation (the floor); the analyst may mark it more restrictively,
 * never less. RED never applies: RED reports are not in compiled reports, and a report marked
 * RED could not go to the participants at all.
 */

export const REPORT_TLPS: Tlp[] = ['CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT'];

export interface ReportMarking {
  /** The report's marking. */
  tlp: Tlp;
  /** The least restrictive marking the report may carry. */
  floor: Tlp;
  operationTlp: Tlp;
  /** The most restrictive TLP among the reports it covers; null when it covers none. */
  contentTlp: Tlp | null;
  /** The analyst's choice, when they chose one. */
  chosen: Tlp | null;
}

export function mostRestrictive(tlps: Tlp[]): Tlp | null {
  return tlps.reduce<Tlp | null>((most, tlp) => (most == null || TLP_ORDER[tlp] > TLP_ORDER[most] ? tlp : most), null);
}

export function tlpLabel(tlp: string): string {
  return `TLP:${tlp.replace('_', '+')}`;
}

/** The marking for content of `contentTlps` in an operation marked `operationTlp`, with the analyst's choice. */
export function reportMarking(operationTlp: Tlp, contentTlps: Tlp[], chosen: Tlp | null): ReportMarking {
  const contentTlp = mostRestrictive(contentTlps);
  const floor = mostRestrictive(contentTlp ? [operationTlp, contentTlp] : [operationTlp])!;
  if (chosen != null) {
    if (!REPORT_TLPS.includes(chosen)) throw new BadUserInputError(`tlp: a report is marked one of ${REPORT_TLPS.join(', ')}`, ['tlp']);
    if (TLP_ORDER[chosen] < TLP_ORDER[floor]) {
      throw new BadUserInputError(`tlp: ${tlpLabel(chosen)} is less restrictive than the report's content requires (${tlpLabel(floor)})`, ['tlp']);
    }
  }
  return { tlp: chosen ?? floor, floor, operationTlp, contentTlp, chosen: chosen ?? null };
}

/** FIRST's TLP 2.0 colours: the label is drawn in its colour on black. */
export const TLP_COLOURS: Record<Tlp, string> = { CLEAR: '#FFFFFF', GREEN: '#33FF00', AMBER: '#FFC000', AMBER_STRICT: '#FFC000', RED: '#FF2B2B' };
