import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kind, buildSchema, getNamedType, isEnumType, isInputObjectType, isInterfaceType, isNonNullType, isObjectType, parse, type GraphQLField, type GraphQLInputField, type GraphQLInputType, type TypeNode } from 'graphql';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The public names that clients, partner gateways and acceptance tests rely on
 * (docs/api-contract.graphql, a copy of the design's contract): every type, field, argument and
 * enum value it names must be in the generated schema.graphql. Adding is free; renaming is not.
 */
describe('schema.graphql against the API contract', () => {
  const contract = parse(readFileSync(path.join(root, 'docs/api-contract.graphql'), 'utf8'));
  // The federation directives' imports are not needed to look names up.
  const sdl = readFileSync(path.join(root, 'schema.graphql'), 'utf8').replace(/^extend schema[\s\S]*?\n\n/m, '');
  const schema = buildSchema(sdl, { assumeValidSDL: true });

  /** The named type under a contract type, and whether the contract allows null at its top. */
  const contractType = (node: TypeNode): { name: string; nullable: boolean } => {
    let inner = node;
    while (inner.kind !== Kind.NAMED_TYPE) inner = inner.type;
    return { name: inner.name.value, nullable: node.kind !== Kind.NON_NULL_TYPE };
  };

  it('takes every argument and input field with the contract\'s type, and null wherever the contract allows it', () => {
    const mismatched: string[] = [];
    const check = (where: string, node: TypeNode, type: GraphQLInputType) => {
      const wanted = contractType(node);
      if (getNamedType(type).name !== wanted.name) mismatched.push(`${where}: ${String(type)}, the contract has ${wanted.name}`);
      else if (wanted.nullable && isNonNullType(type)) mismatched.push(`${where}: ${String(type)} refuses the null the contract allows`);
    };
    for (const definition of contract.definitions) {
      if (!('name' in definition) || !definition.name || !('fields' in definition) || !definition.fields) continue;
      const type = schema.getType(definition.name.value);
      if (!type || !(isObjectType(type) || isInterfaceType(type) || isInputObjectType(type))) continue;
      const fields = type.getFields() as Record<string, GraphQLField<unknown, unknown> | GraphQLInputField>;
      for (const field of definition.fields) {
        const found = fields[field.name.value];
        if (!found) continue; // reported by the test below
        if (isInputObjectType(type)) check(`${type.name}.${field.name.value}`, field.type, found.type as GraphQLInputType);
        for (const argument of ('arguments' in field ? field.arguments : undefined) ?? []) {
          const arg = 'args' in found ? found.args.find((a) => a.name === argument.name.value) : undefined;
          if (arg) check(`${type.name}.${field.name.value}(${argument.name.value})`, argument.type, arg.type);
        }
      }
    }
    expect(mismatched).toEqual([]);
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
