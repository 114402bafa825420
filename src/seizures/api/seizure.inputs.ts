import { Field, Float, ID, InputType, registerEnumType } from '@nestjs/graphql';
import {
  COMMODITY_CATEGORIES, DETECTION_METHODS, EVALUATION_SCHEMES, SEIZURE_DIMENSIONS, SEIZURE_STATUSES, TLPS, TRANSPORT_MODES,
  type CommodityCategory, type DetectionMethod, type EvaluationScheme, type Tlp, type TransportMode,
} from '../seizure.enums.js';

const asEnum = <T extends string>(values: readonly T[]) => Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };

export const TlpEnum = asEnum(TLPS);
export const SeizureStatusEnum = asEnum(SEIZURE_STATUSES);
export const TransportModeEnum = asEnum(TRANSPORT_MODES);
export const CommodityCategoryEnum = asEnum(COMMODITY_CATEGORIES);
export const DetectionMethodEnum = asEnum(DETECTION_METHODS);
export const EvaluationSchemeEnum = asEnum(EVALUATION_SCHEMES);
export const SeizureDimensionEnum = asEnum(SEIZURE_DIMENSIONS);

registerEnumType(TlpEnum, { name: 'Tlp', description: 'Traffic Light Protocol 2.0 label' });
registerEnumType(SeizureStatusEnum, { name: 'SeizureStatus' });
registerEnumType(TransportModeEnum, { name: 'TransportMode' });
registerEnumType(CommodityCategoryEnum, { name: 'CommodityCategory' });
registerEnumType(DetectionMethodEnum, { name: 'DetectionMethod' });
registerEnumType(EvaluationSchemeEnum, { name: 'EvaluationScheme' });
registerEnumType(SeizureDimensionEnum, { name: 'SeizureDimension' });

@InputType()
export class LocationInput {
  @Field() name: string;
  @Field(() => String, { nullable: true, description: 'UN/LOCODE, e.g. JMKIN' }) unlocode?: string | null;
  @Field(() => Float, { nullable: true }) latitude?: number | null;
  @Field(() => Float, { nullable: true }) longitude?: number | null;
}

@InputType()
export class CommodityInput {
  @Field(() => CommodityCategoryEnum) category: CommodityCategory;
  @Field(() => String, { nullable: true, description: 'Sub-type, e.g. pistol, cocaine HCl' }) type?: string | null;
  @Field(() => String, { nullable: true }) description?: string | null;
}

@InputType()
export class QuantityInput {
  @Field(() => Float) value: number;
  @Field({ description: 'KG, G, L, ML, PIECES, STICKS, TABLETS, DOSES, ROUNDS, ITEMS, PLANTS, M3, CURRENCY_AMOUNT' }) unit: string;
}

@InputType()
export class MoneyInput {
  @Field(() => Float) amount: number;
  @Field({ description: 'ISO 4217' }) currency: string;
}

@InputType()
export class RouteInput {
  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2' }) origin?: string | null;
  @Field(() => [String], { nullable: true }) transit?: string[] | null;
  @Field(() => String, { nullable: true }) destination?: string | null;
}

@InputType()
export class EvaluationInput {
  @Field(() => EvaluationSchemeEnum, { nullable: true, defaultValue: 'ADMIRALTY_6X6' }) scheme: EvaluationScheme;
  @Field({ description: 'Source reliability, e.g. B' }) source: string;
  @Field({ description: 'Information credibility, e.g. 2' }) information: string;
}

@InputType()
export class HandlingInput {
  @Field({ description: 'The code alone: Europol H0-H3, UK 3x5x2 P or C, or 5x5x5 1-5 (e.g. H2, C, 4); H3 and C need conditions' }) code: string;
  @Field(() => String, { nullable: true }) conditions?: string | null;
}

@InputType()
export class PersonInput {
  @Field() name: string;
  @Field(() => String, { nullable: true }) nationality?: string | null;
  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD or YYYY' }) dateOfBirth?: string | null;
  @Field(() => String, { nullable: true }) role?: string | null;
}

@InputType()
export class SensitiveInput {
  @Field(() => String, { nullable: true }) narrative?: string | null;
  @Field(() => [PersonInput], { nullable: true }) persons?: PersonInput[] | null;
  @Field(() => [String], { nullable: true }) companies?: string[] | null;
  @Field(() => [String], { nullable: true }) identifiers?: string[] | null;
}

@InputType()
export class ConveyanceInput {
  @Field(() => String, { nullable: true, description: 'e.g. SEA_CONTAINER, AIR_PASSENGER, PLEASURE_CRAFT' }) type?: string | null;
  @Field(() => String, { nullable: true, description: 'Container, flight, vessel or waybill number' }) identifier?: string | null;
}

@InputType()
export class SeizureInput {
  @Field({ description: 'Unique per reporting agency; resubmitting the same content is idempotent' }) reference: string;
  @Field(() => TlpEnum) tlp: Tlp;
  @Field(() => [String], { nullable: true, description: 'Agency codes' }) releasableTo?: string[] | null;
  @Field() seizedAt: Date;
  @Field({ description: 'ISO 3166-1 alpha-2' }) country: string;
  @Field(() => LocationInput, { nullable: true }) location?: LocationInput | null;
  @Field(() => TransportModeEnum) transportMode: TransportMode;
  @Field(() => CommodityInput) commodity: CommodityInput;
  @Field(() => QuantityInput) quantity: QuantityInput;
  @Field(() => MoneyInput, { nullable: true }) estimatedValue?: MoneyInput | null;
  @Field(() => String, { nullable: true }) concealment?: string | null;
  @Field(() => DetectionMethodEnum) detectionMethod: DetectionMethod;
  @Field(() => RouteInput, { nullable: true }) route?: RouteInput | null;
  @Field(() => ID, { nullable: true }) operationId?: string | null;
  @Field(() => ConveyanceInput, { nullable: true }) conveyance?: ConveyanceInput | null;
  @Field(() => EvaluationInput, { nullable: true }) evaluation?: EvaluationInput | null;
  @Field(() => HandlingInput, { nullable: true }) handling?: HandlingInput | null;
  @Field(() => SensitiveInput, { nullable: true, description: 'Nominal data: encrypted at rest, owner and named recipients only' })
  sensitive?: SensitiveInput | null;
  @Field(() => [ID], { nullable: true, description: 'RED: the named users' }) releasableToUsers?: string[] | null;
  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'RED only: encrypted to its recipients, never to the platform' }) serverBlind: boolean;
  @Field(() => String, {
    nullable: true,
    description: 'Server-blind reports only, and required for them: a digest of the sensitive section that your client computes under a key the server does not hold (e.g. HMAC-SHA-256 under an agency secret; base64 or hex). With the facts, it tells a resubmission of the same report from a different one; the server stores nothing else derived from the section',
  })
  sensitiveDigest?: string | null;
}

@InputType()
export class SeizureUpdateInput {
  @Field(() => TlpEnum, { nullable: true }) tlp?: Tlp | null;
  @Field(() => [String], { nullable: true }) releasableTo?: string[] | null;
  @Field(() => String, { nullable: true }) concealment?: string | null;
  @Field(() => SensitiveInput, { nullable: true }) sensitive?: SensitiveInput | null;
  @Field(() => [ID], { nullable: true }) releasableToUsers?: string[] | null;
  @Field(() => EvaluationInput, { nullable: true, description: 'Re-grading; a low grade keeps the report out of alerts' })
  evaluation?: EvaluationInput | null;
}

@InputType()
export class SeizureFilter {
  @Field(() => [CommodityCategoryEnum], { nullable: true }) commodityCategories?: CommodityCategory[] | null;
  @Field(() => [String], { nullable: true }) countries?: string[] | null;
  @Field(() => [String], { nullable: true }) reportingAgencies?: string[] | null;
  @Field(() => [TransportModeEnum], { nullable: true }) transportModes?: TransportMode[] | null;
  @Field(() => [DetectionMethodEnum], { nullable: true }) detectionMethods?: DetectionMethod[] | null;
  @Field(() => String, { nullable: true, description: 'Origin, transit or destination country' }) routeCountry?: string | null;
  @Field(() => Date, { nullable: true }) seizedFrom?: Date | null;
  @Field(() => Date, { nullable: true }) seizedTo?: Date | null;
  @Field(() => ID, { nullable: true }) operationId?: string | null;
  @Field(() => String, { nullable: true, description: 'Words in reference, commodity, concealment or location' }) text?: string | null;
  @Field(() => [TlpEnum], { nullable: true }) tlps?: Tlp[] | null;
  @Field(() => Boolean, { nullable: true, description: 'Include retracted reports (default: no)' }) includeRetracted?: boolean | null;
}

/**
 * The contract's defaults also for an explicit null (`serverBlind: Boolean = false`, an evaluation's
 * `scheme: EvaluationScheme = ADMIRALTY_6X6`): GraphQL applies a default only to what is left out.
 */
export function withInputDefaults<T extends { serverBlind?: boolean | null; evaluation?: EvaluationInput | null }>(input: T): T {
  const copy = Object.assign(Object.create(Object.getPrototypeOf(input) as object) as T, input);
  if ('serverBlind' in input) copy.serverBlind = input.serverBlind ?? false;
  if (input.evaluation) copy.evaluation = Object.assign(new EvaluationInput(), input.evaluation, { scheme: input.evaluation.scheme ?? 'ADMIRALTY_6X6' });
  return copy;
}
