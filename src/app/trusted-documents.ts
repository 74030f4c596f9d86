import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  Kind,
  parse,
  print,
  type DefinitionNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
} from 'graphql';
import { DEPARTMENTS, departmentSlug, type Department } from '../shared/domain';

// Trusted documents (persisted operations, issue 9 point 3): each department portal's operations are
// committed in schema/operations/<slug>.graphql. Under PA_TRUSTED_DOCUMENTS only those run; a client
// sends either the document id (sha256 of the operation's text as printed here) or the text itself.

import type { TrustedDocumentsMode } from '../config/protection-settings';

export type { TrustedDocumentsMode };

/** schema/operations at the package root: two levels up from src/app, three from the compiled dist/src/app. */
export const OPERATIONS_DIR =
  [path.resolve(__dirname, '../../schema/operations'), path.resolve(__dirname, '../../../schema/operations')].find((candidate) =>
    existsSync(candidate),
  ) ?? path.resolve(__dirname, '../../schema/operations');

export interface TrustedOperation {
  department: Department;
  name: string;
  /** Hex sha256 of `body`: the id a client sends. */
  id: string;
  /** The operation with the fragments it uses, printed by graphql-js (operation first, fragments by name). */
  body: string;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function fragmentsUsed(definition: OperationDefinitionNode | FragmentDefinitionNode, fragments: Map<string, FragmentDefinitionNode>) {
  const used = new Map<string, FragmentDefinitionNode>();
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(visit);
    const record = node as { kind?: string; name?: { value: string } };
    if (record.kind === Kind.FRAGMENT_SPREAD && record.name && !used.has(record.name.value)) {
      const fragment = fragments.get(record.name.value);
      if (fragment) {
        used.set(record.name.value, fragment);
        visit(fragment.selectionSet);
      }
    }
    for (const [key, value] of Object.entries(node)) if (key !== 'loc') visit(value);
  };
  visit(definition.selectionSet);
  return [...used.values()];
}

/**
 * One canonical text per document: operations first, fragments sorted by name, printed by graphql-js,
 * so whitespace, comments and fragment order do not matter.
 */
export function canonicalText(document: DocumentNode): string {
  const operations = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  const fragments = document.definitions
    .filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION)
    .sort((a, b) => a.name.value.localeCompare(b.name.value));
  const definitions: DefinitionNode[] = [...operations, ...fragments];
  return print({ kind: Kind.DOCUMENT, definitions });
}

/** Splits a manifest file into one standalone document per named operation. */
export function operationsOf(department: Department, source: string): TrustedOperation[] {
  const document = parse(source);
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  return document.definitions
    .filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION)
    .map((operation) => {
      if (!operation.name) throw new Error(`schema/operations/${departmentSlug(department)}.graphql: every operation needs a name`);
      const body = canonicalText({ kind: Kind.DOCUMENT, definitions: [operation, ...fragmentsUsed(operation, fragments)] });
      return { department, name: operation.name.value, id: sha256(body), body };
    });
}

export class TrustedDocuments {
  private readonly byId = new Map<string, TrustedOperation>();
  private readonly byDepartment = new Map<Department, { ids: Set<string>; bodies: Set<string> }>();

  constructor(readonly operations: readonly TrustedOperation[]) {
    for (const operation of operations) {
      this.byId.set(operation.id, operation);
      let allowed = this.byDepartment.get(operation.department);
      if (!allowed) this.byDepartment.set(operation.department, (allowed = { ids: new Set(), bodies: new Set() }));
      allowed.ids.add(operation.id);
      allowed.bodies.add(operation.body);
    }
  }

  /** Reads schema/operations/<slug>.graphql of every department that has one. */
  static load(directory = OPERATIONS_DIR): TrustedDocuments {
    const files = new Set(existsSync(directory) ? readdirSync(directory) : []);
    return new TrustedDocuments(
      DEPARTMENTS.flatMap((department) => {
        const file = `${departmentSlug(department)}.graphql`;
        return files.has(file) ? operationsOf(department, readFileSync(path.join(directory, file), 'utf8')) : [];
      }),
    );
  }

  /** The operation with this id ("sha256:<hex>" or "<hex>"), whatever its department. */
  find(id: string): TrustedOperation | undefined {
    return this.byId.get(id.replace(/^sha256:/, '').toLowerCase());
  }

  /** Whether the department's manifest holds this text (exactly, or once printed canonically). */
  allows(department: Department, text: string, document: DocumentNode): boolean {
    const allowed = this.byDepartment.get(department);
    if (!allowed) return false;
    return allowed.ids.has(sha256(text)) || allowed.bodies.has(canonicalText(document));
  }
}
