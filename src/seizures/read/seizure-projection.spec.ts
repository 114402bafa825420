import { Kind, parse, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
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
  const projection = new SeizureProjection();

  it('reads the asked fields and the cursor, not the rest', () => {
    const columns = projection.columnsFor(infoOf('{ seizures { edges { node { reference quantity { value } } } pageInfo { endCursor } } }'))!;
    expect(columns).toEqual(expect.arrayContaining(['id', 'seizedAt', 'reference', 'quantityValue', 'quantityUnit', 'quantityKg']));
    // The page's statement says which access rules each row matches: their columns are not read.
    for (const column of ['signedContent', 'signature', 'commodityDescription', 'releasableTo', 'ownerCommunities', 'releasableToUsers', 'createdBy']) {
      expect(columns).not.toContain(column);
    }
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
