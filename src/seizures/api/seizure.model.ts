import { Directive, Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { AgencyModel } from '../../agencies/agency.model.js';
import { PageInfoModel } from '../../graphql/page-info.model.js';
import type { CommodityCategory, DetectionMethod, EvaluationScheme, SeizureStatus, Tlp, TransportMode } from '../seizure.enums.js';
import {
  CommodityCategoryEnum, DetectionMethodEnum, EvaluationSchemeEnum, SeizureStatusEnum, TlpEnum, TransportModeEnum,
} from './seizure.inputs.js';

@ObjectType('Location')
export class LocationModel {
  @Field() name: string;
  @Field(() => String, { nullable: true }) unlocode: string | null;
  @Field(() => Float, { nullable: true }) latitude: number | null;
  @Field(() => Float, { nullable: true }) longitude: number | null;
}

@ObjectType('Commodity')
export class CommodityModel {
  @Field(() => CommodityCategoryEnum) category: CommodityCategory;
  @Field(() => String, { nullable: true }) type: string | null;
  @Field(() => String, { nullable: true }) description: string | null;
}

@ObjectType('Quantity')
export class QuantityModel {
  @Field(() => Float) value: number;
  @Field() unit: string;
  @Field(() => Float, { nullable: true, description: 'Mass or volume in kilograms (litres as kilograms); null for counted units' })
  kgEquivalent: number | null;
}

@ObjectType('Money')
export class MoneyModel {
  @Field(() => Float) amount: number;
  @Field() currency: string;
  @Field(() => Float, { nullable: true, description: 'In US dollars at the platform reference rates' }) usd: number | null;
}

@ObjectType('Route')
export class RouteModel {
  @Field(() => String, { nullable: true }) origin: string | null;
  @Field(() => [String]) transit: string[];
  @Field(() => String, { nullable: true }) destination: string | null;
}

@ObjectType('Evaluation')
export class EvaluationModel {
  @Field(() => EvaluationSchemeEnum) scheme: EvaluationScheme;
  @Field() source: string;
  @Field() information: string;
}

@ObjectType('Handling')
export class HandlingModel {
  @Field() code: string;
  @Field(() => String, { nullable: true }) conditions: string | null;
}

@ObjectType('Conveyance')
export class ConveyanceModel {
  @Field(() => String, { nullable: true }) type: string | null;
  @Field(() => String, { nullable: true }) identifier: string | null;
}

@ObjectType('Person')
export class PersonModel {
  @Field() name: string;
  @Field(() => String, { nullable: true }) nationality: string | null;
  @Field(() => String, { nullable: true }) dateOfBirth: string | null;
  @Field(() => String, { nullable: true }) role: string | null;
}

@ObjectType('SeizureSensitive')
export class SeizureSensitiveModel {
  @Field(() => String, { nullable: true }) narrative: string | null;
  @Field(() => [PersonModel]) persons: PersonModel[];
  @Field(() => [String]) companies: string[];
  @Field(() => [String]) identifiers: string[];
}

@ObjectType('Signature')
export class SignatureModel {
  @Field() signerFingerprint: string;
  @Field({ description: 'False when the signing key was since revoked as compromised, or the signature does not verify' })
  verified: boolean;
  @Field(() => Date, { nullable: true }) signedAt: Date | null;
  @Field(() => String, { nullable: true, description: 'Armored detached signature over signedContent; on a seizure, null (and in redactedFields) unless you may see the whole report' }) detached: string | null;
  @Field(() => String, { nullable: true, description: 'The canonical JSON (RFC 8785) the signature covers; on a seizure it is the whole report, nominal data included, so null (and in redactedFields) unless you may see all of it' }) signedContent: string | null;
}

/**
 * A seizure report as one reader sees it. Fields the reader may not see are null (or empty lists)
 * and named in `redactedFields`. Relations and the sensitive section are resolved per field.
 */
@ObjectType('Seizure')
@Directive('@key(fields: "id")')
export class SeizureModel {
  @Field(() => ID) id: string;
  @Field() reference: string;
  @Field(() => SeizureStatusEnum) status: SeizureStatus;
  @Field(() => TlpEnum) tlp: Tlp;
  @Field() seizedAt: Date;
  @Field() country: string;
  @Field(() => LocationModel, { nullable: true }) location: LocationModel | null;
  @Field(() => TransportModeEnum) transportMode: TransportMode;
  @Field(() => CommodityModel) commodity: CommodityModel;
  @Field(() => QuantityModel) quantity: QuantityModel;
  @Field(() => MoneyModel, { nullable: true }) estimatedValue: MoneyModel | null;
  @Field(() => String, { nullable: true }) concealment: string | null;
  @Field(() => DetectionMethodEnum) detectionMethod: DetectionMethod;
  @Field(() => RouteModel, { nullable: true }) route: RouteModel | null;
  @Field(() => ID, { nullable: true }) operationId: string | null;
  @Field(() => ConveyanceModel, { nullable: true }) conveyance: ConveyanceModel | null;
  @Field(() => EvaluationModel, { nullable: true }) evaluation: EvaluationModel | null;
  @Field(() => HandlingModel, { nullable: true }) handling: HandlingModel | null;
  @Field({ description: 'Graded too low to feed alerts until re-graded' }) lowGrade: boolean;
  @Field(() => [ID], { description: 'RED: the named users (only for those who may see the distribution)' }) releasableToUsers: string[];
  @Field(() => String, { nullable: true }) retractionReason: string | null;
  @Field(() => [String], { description: 'What the caller may not see, by field path' }) redactedFields: string[];
  @Field() createdAt: Date;
  @Field() updatedAt: Date;
  @Field(() => Int) version: number;
}

@ObjectType('SeizureEdge')
export class SeizureEdgeModel {
  @Field() cursor: string;
  @Field(() => SeizureModel) node: SeizureModel;
}

@ObjectType('SeizureConnection')
export class SeizureConnectionModel {
  @Field(() => [SeizureEdgeModel]) edges: SeizureEdgeModel[];
  @Field(() => PageInfoModel) pageInfo: PageInfoModel;
  @Field(() => Int, { description: 'All visible reports matching the filter' }) totalCount: number;
}

@ObjectType('SeizureStatBucket')
export class SeizureStatBucketModel {
  @Field(() => [String], { description: 'In the order of groupBy' }) keys: string[];
  @Field(() => Int) count: number;
  @Field(() => Float, { nullable: true, description: 'Sum of quantities when the bucket has one unit; null when units differ' })
  totalQuantity: number | null;
  @Field(() => String, { nullable: true, description: 'The unit of totalQuantity' }) quantityUnit: string | null;
  @Field(() => Float, { nullable: true, description: 'Sum of estimated values in US dollars' }) totalValue: number | null;
}

export { AgencyModel };
