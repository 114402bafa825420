import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import {
  Kind, buildSchema, isEnumType, isInputObjectType, isInterfaceType, isListType, isNamedType, isNonNullType, isObjectType, parse, print, valueFromAST,
  type DocumentNode, type GraphQLArgument, type GraphQLField, type GraphQLInputField, type GraphQLSchema, type GraphQLType, type InputValueDefinitionNode, type TypeNode,
} from 'graphql';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

type Position = 'input' | 'output';

/**
 * Whether the schema's type serves every client the contract's type does. Input (arguments, input
 * fields): it accepts all the contract allows, so it may drop a non-null but never add one. Output
 * (fields): it gives no less than the contract promises, so it may add a non-null but never drop
 * one. Lists and list elements follow the same rule; named types must be the same.
 */
function serves(contract: TypeNode, schema: GraphQLType, position: Position): boolean {
  if (contract.kind === Kind.NON_NULL_TYPE) {
    if (isNonNullType(schema)) return serves(contract.type, schema.ofType, position);
    return position === 'input' && serves(contract.type, schema, position);
  }
  if (isNonNullType(schema)) return position === 'output' && serves(contract, schema.ofType, position);
  if (contract.kind === Kind.LIST_TYPE) return isListType(schema) && serves(contract.type, schema.ofType, position);
  return isNamedType(schema) && schema.name === contract.name.value;
}

/** Every place where schema.graphql gives clients less than the contract: `where` → what differs. */
function deviationsFrom(contract: DocumentNode, schema: GraphQLSchema): Map<string, string> {
  const found = new Map<string, string>();
  const compare = (where: string, node: TypeNode, type: GraphQLType, position: Position) => {
    if (!serves(node, type, position)) found.set(where, `${position} ${String(type)}, the contract has ${print(node)}`);
  };
  /** The contract's default, or none where it has none: a client that leaves the value out gets what the contract says. */
  const compareDefault = (where: string, node: InputValueDefinitionNode, input: GraphQLArgument | GraphQLInputField) => {
    const wanted = node.defaultValue ? valueFromAST(node.defaultValue, input.type) : undefined;
    if (node.defaultValue && wanted === undefined) found.set(`${where} default`, `the contract's ${print(node.defaultValue)} is not a ${String(input.type)}`);
    else if (!isDeepStrictEqual(wanted, input.defaultValue)) {
      found.set(`${where} default`, `${JSON.stringify(input.defaultValue) ?? 'none'}, the contract has ${node.defaultValue ? print(node.defaultValue) : 'none'}`);
    }
  };
  for (const definition of contract.definitions) {
    if (!('name' in definition) || !definition.name || !('fields' in definition) || !definition.fields) continue;
    const type = schema.getType(definition.name.value);
    if (!type || !(isObjectType(type) || isInterfaceType(type) || isInputObjectType(type))) continue;
    const fields = type.getFields() as Record<string, GraphQLField<unknown, unknown> | GraphQLInputField>;
    for (const field of definition.fields) {
      const where = `${type.name}.${field.name.value}`;
      const schemaField = fields[field.name.value];
      if (!schemaField) continue; // reported by the name test
      if (field.kind === Kind.INPUT_VALUE_DEFINITION) {
        compare(where, field.type, schemaField.type, 'input');
        compareDefault(where, field, schemaField as GraphQLInputField);
        continue;
      }
      compare(where, field.type, schemaField.type, 'output');
      for (const argument of field.arguments ?? []) {
        const schemaArgument = 'args' in schemaField ? schemaField.args.find((a) => a.name === argument.name.value) : undefined;
        if (!schemaArgument) continue; // reported by the name test
        compare(`${where}(${argument.name.value})`, argument.type, schemaArgument.type, 'input');
        compareDefault(`${where}(${argument.name.value})`, argument, schemaArgument);
      }
    }
  }
  return found;
}

/**
 * Deliberate deviations: where, and the exact difference allowed there, with why. Any other
 * deviation fails, and so does an entry here that no longer deviates (take it off).
 */
const DELIBERATE: Readonly<Record<string, string>> = {
  // Resolved under the Operation read rules (OperationsService.findVisible, as operation(id)): a
  // reader of the request who may not read the operation gets null, not the operation, and a
  // non-null field would turn that null into an error for the whole list.
  'SeizureLinkRequest.operation': 'output Operation, the contract has Operation!',
};

/**
 * The public names that clients, partner gateways and acceptance tests rely on
 * (docs/api-contract.graphql, a copy of the design's contract): every type, field, argument and
 * enum value it names must be in the generated schema.graphql, with types that serve the contract's
 * clients and the contract's defaults. Adding is free; renaming is not.
 */
describe('schema.graphql against the API contract', () => {
  const contract = parse(readFileSync(path.join(root, 'docs/api-contract.graphql'), 'utf8'));
  // The federation directives' imports are not needed to look names up.
  const sdl = readFileSync(path.join(root, 'schema.graphql'), 'utf8').replace(/^extend schema[\s\S]*?\n\n/m, '');
  const schema = buildSchema(sdl, { assumeValidSDL: true });

  it('has the contract\'s types everywhere (list elements included), and its defaults, except the deliberate deviations', () => {
    const deviations = deviationsFrom(contract, schema);
    const unexpected = [...deviations].filter(([where, deviation]) => DELIBERATE[where] !== deviation).map(([where, deviation]) => `${where}: ${deviation}`);
    const stale = Object.keys(DELIBERATE).filter((where) => !deviations.has(where));
    expect({ unexpected, stale }).toEqual({ unexpected: [], stale: [] });
  });

  it('tells what the comparison catches', () => {
    const planted = buildSchema(`
      type Query { a: String  b: [String!]!  c: [String]  d(x: [Int!] = [1], y: Int! = 2, z: Int): String  e: Thing!  f: Int  g: String }
      type Thing { id: ID! }
      input In { p: [String] q: String! r: Boolean = true s: Boolean = false }
    `);
    const wanted = parse(`
      type Query { a: String!  b: [String]  c: [String!]  d(x: [Int] = [1], y: Int = 2, z: Int! = 3): String  e: Thing  f: String  g: [String] }
      input In { p: [String!] q: String r: Boolean = true s: Boolean }
    `);
    expect(Object.fromEntries(deviationsFrom(wanted, planted))).toEqual({
      'Query.a': 'output String, the contract has String!', // a weaker output
      'Query.c': 'output [String], the contract has [String!]', // a weaker list element
      'Query.d(x)': 'input [Int!], the contract has [Int]', // refuses a null element
      'Query.d(y)': 'input Int!, the contract has Int', // refuses null
      'Query.d(z) default': 'none, the contract has 3',
      'Query.f': 'output Int, the contract has String',
      'Query.g': 'output String, the contract has [String]',
      'In.q': 'input String!, the contract has String',
      'In.s default': 'false, the contract has none',
    });
  });

  it('has every name the contract has', () => {
    const missing: string[] = [];
    for (const definition of contract.definitions) {
      if (!('name' in definition) || !definition.name) continue;
      const name = definition.name.value;
      const type = schema.getType(name);
      if (!type) {
        missing.push(`type ${name}`);
        continue;
      }
      if ('fields' in definition && definition.fields && (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type))) {
        const fields = type.getFields() as Record<string, GraphQLField<unknown, unknown> | GraphQLInputField>;
        for (const field of definition.fields) {
          const found = fields[field.name.value];
          if (!found) {
            missing.push(`${name}.${field.name.value}`);
            continue;
          }
          const args = 'args' in found ? found.args : [];
          for (const argument of ('arguments' in field ? field.arguments : undefined) ?? []) {
            if (!args.some((a) => a.name === argument.name.value)) missing.push(`${name}.${field.name.value}(${argument.name.value})`);
          }
        }
      }
      if ('values' in definition && definition.values && isEnumType(type)) {
        for (const value of definition.values) if (!type.getValue(value.name.value)) missing.push(`${name}.${value.name.value}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
