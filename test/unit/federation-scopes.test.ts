import { readFileSync } from 'node:fs';
import { Kind, parse, valueFromASTUntyped, type ObjectTypeDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { VIEWER_KINDS } from '../../src/app/shield';
import { SUBGRAPHS_DIRECTORY } from '../../src/app/subgraph';
import { isGranted, PERMISSIONS } from '../../src/modules/access/permission-table';
import { viewerScopes } from '../../src/modules/access/scopes';
import type { Department } from '../../src/shared/domain';

// The committed subgraph SDL is what a router loads: its @requiresScopes must say exactly what the
// permission table says, field by field, for the full graph and every department's subgraph.

const FILES = ['pension-aid', 'hrss', 'civil-affairs', 'rural-revitalization', 'disabled-federation', 'finance', 'tax'];

function emittedScopes(file: string): Map<string, string[][] | null> {
  const document = parse(readFileSync(`${SUBGRAPHS_DIRECTORY}/${file}.graphql`, 'utf8'));
  const scopes = new Map<string, string[][] | null>();
  const objects = document.definitions.filter(
    (definition): definition is ObjectTypeDefinitionNode => definition.kind === Kind.OBJECT_TYPE_DEFINITION,
  );
  for (const type of objects) {
    for (const field of type.fields ?? []) {
      const directive = field.directives?.find((candidate) => candidate.name.value === 'requiresScopes');
      const argument = directive?.arguments?.find((candidate) => candidate.name.value === 'scopes');
      scopes.set(`${type.name.value}.${field.name.value}`, argument ? (valueFromASTUntyped(argument.value) as string[][]) : null);
    }
  }
  return scopes;
}

// Written out here rather than imported, so a change to the mapping in scopes.ts is caught.
function expectedScopes(typeName: string, fieldName: string): string[][] | null {
  const grant = PERMISSIONS[typeName]?.[fieldName];
  if (!grant) return null;
  return grant.departments.map((department) =>
    grant.cityOnly ? [`department:${department}`, 'level:city'] : [`department:${department}`],
  );
}

/** @requiresScopes semantics: some inner list whose scopes the caller holds all of. */
function satisfies(held: readonly string[], required: string[][]): boolean {
  return required.some((alternative) => alternative.every((scope) => held.includes(scope)));
}

describe('@requiresScopes in the committed subgraph SDL', () => {
  it.each(FILES)('should equal the permission table field by field in schema/subgraphs/%s.graphql', (file) => {
    const emitted = emittedScopes(file);
    expect(emitted.size).toBeGreaterThan(0);
    for (const [coordinate, scopes] of emitted) {
      const [typeName, fieldName] = coordinate.split('.') as [string, string];
      expect(scopes, coordinate).not.toBeNull();
      expect(scopes, coordinate).toEqual(expectedScopes(typeName, fieldName));
    }
    if (file === 'pension-aid') {
      // Every grant of the table is in the full subgraph (nothing enforced by the subgraph alone).
      const tableFields = Object.entries(PERMISSIONS).flatMap(([typeName, fields]) =>
        Object.keys(fields).map((field) => `${typeName}.${field}`),
      );
      expect([...emitted.keys()].sort()).toEqual(tableFields.sort());
    }
  });

  it('should let a router admit exactly the viewer kinds the shield admits, for every field', () => {
    const emitted = emittedScopes('pension-aid');
    const disagreements: string[] = [];
    for (const kind of VIEWER_KINDS) {
      const [department, level] = kind.split(':') as [Department, string];
      const held = viewerScopes({ subject: 'router', department, county: level === 'city' ? null : '530102' });
      for (const [coordinate, scopes] of emitted) {
        const [typeName, fieldName] = coordinate.split('.') as [string, string];
        const shield = isGranted(PERMISSIONS[typeName]?.[fieldName], department, level === 'city');
        if (satisfies(held, scopes ?? []) !== shield) disagreements.push(`${kind} ${coordinate}: shield ${shield}`);
      }
    }
    expect(disagreements).toEqual([]);
  });
});
