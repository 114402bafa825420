import { Kind, parse, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { AccessService } from '../access/access.service.js';
import { SeizureProjection, selectedNodeFields } from './seizure-projection.js';

/** What a resolver's info carries, for the first field of a query text. */
function infoOf(query: string) {
  const document = parse(query);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = Object.fromEntries(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  const field = operation.selectionSet.selections[0];
  if (field.kind !== Kind.FIELD) throw new Error('a field first');
  return { fieldNodes: [field], fragments };
}

describe('SeizureProjection', () => {
  const access = new AccessService();
  const projection = new SeizureProjection(access);

  it('reads the asked fields, the cursor and every column the access rules look at, and not the rest', () => {
    const columns = projection.columnsFor(infoOf('{ seizures { edges { node { reference quantity { value } } } pageInfo { endCursor } } }'))!;
    expect(columns).toEqual(expect.arrayContaining(['id', 'seizedAt', 'reference', 'quantityValue', 'quantityUnit', 'quantityKg']));
    // Conditions of config/policies.yaml: field disclosure evaluates them on each row.
    expect(columns).toEqual(expect.arrayContaining(['tlp', 'reportingAgency', 'ownerCommunities', 'releasableTo', 'releasableToUsers', 'createdBy', 'operationId']));
    expect(columns).not.toContain('signedContent');
    expect(columns).not.toContain('signature');
    expect(columns).not.toContain('commodityDescription');
  });

  it('takes the condition columns from the policy document, not from a fixed list', () => {
    const policy = { ...access.policy, rules: [...access.policy.rules, { action: 'read' as const, subject: 'Seizure' as const, conditions: { $or: [{ handlingCode: 'H0' }, { lowGrade: { $ne: true } }] } }] };
    const columns = new SeizureProjection({ policy } as AccessService).columnsFor(infoOf('{ seizures { edges { node { id } } } }'))!;
    expect(columns).toEqual(expect.arrayContaining(['handlingCode', 'lowGrade']));
  });

  it('reads every column when a field is not known to it', () => {
    expect(projection.columnsFor(infoOf('{ seizures { edges { node { id somethingNew } } } }'))).toBeNull();
  });

  it('follows fragments and inline fragments to the node fields', () => {
    const info = infoOf(`{ seizures { ...C } }
      fragment C on SeizureConnection { edges { ... on SeizureEdge { node { ...N tlp } } } }
      fragment N on Seizure { country handling { code } }`);
    expect([...selectedNodeFields(info)].sort()).toEqual(['country', 'handling', 'tlp']);
  });
});
