import { Injectable } from '@nestjs/common';
import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import type { SeizureEntity } from '../data/seizure.entity.js';

type Column = keyof SeizureEntity;

/**
 * The entity columns each field of the GraphQL `Seizure` type is built from, by SeizureView or by
 * SeizureViews for its field resolvers. A test holds this list to the schema: a field missing here makes a page
 * read every column (correct, only slower), and the test fails.
 */
export const SEIZURE_FIELD_COLUMNS: Readonly<Record<string, readonly Column[]>> = {
  __typename: [],
  id: ['id'],
  reference: ['reference'],
  status: ['status'],
  tlp: ['tlp'],
  seizedAt: ['seizedAt'],
  country: ['country'],
  location: ['locationName', 'locationUnlocode', 'latitude', 'longitude'],
  transportMode: ['transportMode'],
  commodity: ['commodityCategory', 'commodityType', 'commodityDescription'],
  quantity: ['quantityValue', 'quantityUnit', 'quantityKg'],
  estimatedValue: ['valueAmount', 'valueCurrency', 'valueUsd'],
  concealment: ['concealment'],
  detectionMethod: ['detectionMethod'],
  route: ['routeOrigin', 'routeTransit', 'routeDestination'],
  operationId: ['operationId'],
  operation: ['operationId'],
  operationLink: ['operationId', 'operationLinkBasis', 'operationLinkedAt', 'operationLinkRequestId'],
  conveyance: ['conveyanceType', 'conveyanceIdentifier'],
  evaluation: ['evaluationScheme', 'evaluationSource', 'evaluationInformation'],
  handling: ['handlingCode', 'handlingConditions'],
  lowGrade: ['lowGrade'],
  releasableToUsers: ['releasableToUsers'],
  retractionReason: ['retractionReason'],
  redactedFields: [],
  createdAt: ['createdAt'],
  updatedAt: ['updatedAt'],
  version: ['version'],
  reportingAgency: ['reportingAgency'],
  releasableTo: ['releasableTo'],
  sensitive: ['hasSensitive', 'serverBlind'],
  sealedFor: ['hasSensitive'],
  sealedForMe: ['hasSensitive'],
  signature: ['signerFingerprint', 'signedAt', 'signature', 'signedContent', 'hasSensitive', 'serverBlind'],
  // Read from seizure_versions by the report's id (SeizureHistoryResolver).
  history: ['id'],
};

/**
 * Read for every row whatever was asked: the keyset cursor (id, seizedAt); the owner, which audit
 * events of disclosures name (SeizureView.reportingAgencyCode); and TLP and status, which audit
 * records of a read carry.
 */
const ALWAYS: readonly Column[] = ['id', 'seizedAt', 'reportingAgency', 'status', 'tlp'];

type Fragments = GraphQLResolveInfo['fragments'];

/** The fields of a selection set, named fragments and inline fragments flattened into it. */
function fieldsOf(selectionSet: SelectionSetNode, fragments: Fragments, seen: ReadonlySet<string> = new Set()): FieldNode[] {
  const fields: FieldNode[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) fields.push(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) fields.push(...fieldsOf(selection.selectionSet, fragments, seen));
    else if (!seen.has(selection.name.value) && fragments[selection.name.value]) {
      fields.push(...fieldsOf(fragments[selection.name.value].selectionSet, fragments, new Set([...seen, selection.name.value])));
    }
  }
  return fields;
}

/**
 * The names of the fields selected on `edges { node { … } }` of a connection field, through
 * fragments. @include/@skip are ignored: a skipped field only costs its columns.
 */
export function selectedNodeFields(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>): Set<string> {
  const below = (field: FieldNode, name: string) =>
    field.selectionSet ? fieldsOf(field.selectionSet, info.fragments).filter((f) => f.name.value === name) : [];
  const names = new Set<string>();
  for (const edges of info.fieldNodes.flatMap((connection) => below(connection, 'edges'))) {
    for (const node of below(edges, 'node')) {
      if (node.selectionSet) for (const field of fieldsOf(node.selectionSet, info.fragments)) names.add(field.name.value);
    }
  }
  return names;
}

/**
 * Which columns a page of reports needs for the fields a query asks for. The columns the access
 * rules' conditions look at are not among them: the page's statement has PostgreSQL say which
 * rules each row matches (SeizureSearchService.pageStatement). Reading only these (instead of
 * every column, signatures and texts included) is most of the cost a search page puts on this
 * process.
 */
@Injectable()
export class SeizureProjection {
  /**
   * Answers kept per parsed field: Apollo keeps one parsed document per query text, so a client
   * repeating a query finds its answer here instead of walking the selection again. A field node
   * belongs to one document, whose fragments are the ones it can reach.
   */
  private readonly byFieldNode = new WeakMap<FieldNode, readonly Column[] | null>();

  /** The columns to read, or null for all of them (a field this list does not know). */
  columnsFor(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>): readonly Column[] | null {
    if (info.fieldNodes.length !== 1) return this.compute(info);
    const node = info.fieldNodes[0];
    let columns = this.byFieldNode.get(node);
    if (columns === undefined) this.byFieldNode.set(node, (columns = this.compute(info)));
    return columns;
  }

  private compute(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>): readonly Column[] | null {
    const fields = selectedNodeFields(info);
    const columns = new Set<Column>(ALWAYS);
    for (const field of fields) {
      const needed = SEIZURE_FIELD_COLUMNS[field];
      if (!needed) return null;
      for (const column of needed) columns.add(column);
    }
    return Object.freeze([...columns]);
  }
}
