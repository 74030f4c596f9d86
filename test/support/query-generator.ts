import {
  astFromValue,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  print,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { isGranted, type PermissionTable } from '../../src/modules/access/permission-table';
import { visibleCategories } from '../../src/modules/access/row-scope';
import type { Viewer } from '../../src/shared/auth';

// Builds operations from the schema for the access matrix: a path from a root type to any object type
// through fields the viewer is granted, with sample arguments chosen by type and name.

export interface Step {
  field: string;
  /** Arguments printed as GraphQL literals. */
  args: string;
}

export interface RootedPath {
  operation: 'query' | 'mutation';
  steps: Step[];
}

export interface SampleContext {
  viewer: Viewer;
  /** A person every person-reading viewer of the seed may see. */
  idNumber: string;
  year: number;
}

const DATE_SAMPLES: Record<string, string> = {
  from: '2024-01-01',
  to: '2024-06-30',
  asOf: '2024-06-30',
  recognizedOn: '2024-01-15',
  paidOn: '2024-05-01',
  activeOn: '2024-06-30',
};

/** A plausible value for an argument or input field, chosen by its type and name; viewer-aware where rights depend on it. */
export function sampleValue(type: GraphQLInputType, name: string, context: SampleContext): unknown {
  if (isNonNullType(type)) return sampleValue(type.ofType, name, context);
  if (isListType(type)) return [sampleValue(type.ofType, name, context)];
  if (isInputObjectType(type)) {
    const value: Record<string, unknown> = {};
    for (const field of Object.values(type.getFields())) {
      if (isNonNullType(field.type)) value[field.name] = sampleValue(field.type, field.name, context);
    }
    return value;
  }
  if (isEnumType(type)) {
    if (type.name === 'HardshipCategory') return visibleCategories(context.viewer)?.[0] ?? 'DIBAO';
    if (type.name === 'Department') return context.viewer.department;
    if (type.name === 'PensionStatus') return 'CONTRIBUTING';
    return type.getValues()[0]!.value;
  }
  if (isScalarType(type)) {
    switch (type.name) {
      case 'Int':
        return name === 'year' ? context.year : name.toLowerCase().includes('level') ? 3 : name === 'first' ? 10 : 1;
      case 'Float':
        return 0.5;
      case 'Boolean':
        return false;
      case 'Date':
        return DATE_SAMPLES[name] ?? '2024-06-30';
      case 'Decimal':
        return '100.00';
      default:
        if (name === 'idNumber') return context.idNumber;
        if (name === 'county') return context.viewer.county ?? '530102';
        // dispatchTrend's range ("YYYY-MM" strings; Date arguments named from/to are handled above).
        if (name === 'month' || name === 'from' || name === 'to') return `${context.year}-06`;
        if (name === 'name') return '样本';
        return 'sample';
    }
  }
  throw new Error(`no sample for ${String(type)}`);
}

/** Required arguments only (optional ones keep their defaults), as a GraphQL literal list. */
export function argumentsLiteral(args: readonly GraphQLArgument[], context: SampleContext): string {
  const printed = args
    .filter((argument) => isNonNullType(argument.type) && argument.defaultValue === undefined)
    .map((argument) => `${argument.name}: ${print(astFromValue(sampleValue(argument.type, argument.name, context), argument.type)!)}`);
  return printed.length === 0 ? '' : `(${printed.join(', ')})`;
}

export function granted(table: PermissionTable, typeName: string, fieldName: string, viewer: Viewer): boolean {
  return isGranted(table[typeName]?.[fieldName], viewer.department, viewer.county === null);
}

/** Breadth-first: the shortest path from Query (then Mutation) to `target` whose every field the viewer is granted. */
export function findPath(schema: GraphQLSchema, table: PermissionTable, target: string, context: SampleContext): RootedPath | null {
  const roots: Array<[RootedPath['operation'], GraphQLObjectType | null | undefined]> = [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
  ];
  for (const [operation, root] of roots) {
    if (!root) continue;
    const queue: Array<{ type: GraphQLObjectType; steps: Step[] }> = [{ type: root, steps: [] }];
    const seen = new Set<string>([root.name]);
    while (queue.length > 0) {
      const { type, steps } = queue.shift()!;
      if (type.name === target) return { operation, steps };
      for (const field of Object.values(type.getFields()) as Array<GraphQLField<unknown, unknown>>) {
        const next = getNamedType(field.type);
        if (!isObjectType(next) || seen.has(next.name) || !granted(table, type.name, field.name, context.viewer)) continue;
        seen.add(next.name);
        queue.push({ type: next, steps: [...steps, { field: field.name, args: argumentsLiteral(field.args, context) }] });
      }
    }
  }
  return null;
}

/** The selection of one field: leaves as they are, objects with __typename only. */
export function fieldSelection(field: GraphQLField<unknown, unknown>, context: SampleContext): string {
  const inner = isObjectType(getNamedType(field.type)) ? ' { __typename }' : '';
  return `${field.name}${argumentsLiteral(field.args, context)}${inner}`;
}

export function buildOperation(path: RootedPath, leafSelection: string): string {
  let body = leafSelection;
  for (const step of [...path.steps].reverse()) body = `${step.field}${step.args} { ${body} }`;
  return `${path.operation} { ${body} }`;
}

/** Objects found in `data` at the path (lists flattened, nulls dropped). */
export function objectsAt(data: unknown, steps: readonly Step[]): Array<Record<string, unknown>> {
  let current: unknown[] = [data];
  for (const step of steps) {
    current = current.flatMap((value) => {
      if (value === null || typeof value !== 'object') return [];
      const next = (value as Record<string, unknown>)[step.field];
      return Array.isArray(next) ? next : [next];
    });
  }
  return current.filter((value): value is Record<string, unknown> => value !== null && typeof value === 'object');
}

/** An error path without list indexes: persons.edges.node.name */
export function fieldPath(path: readonly (string | number)[] | undefined): string {
  return (path ?? []).filter((segment) => typeof segment === 'string').join('.');
}
