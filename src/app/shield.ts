import {
  getNamedType,
  isAbstractType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import { applyMiddleware, middleware as middlewareGenerator, type IMiddlewareFieldMap } from 'graphql-middleware';
import { and, rule, shield, type IRules } from 'graphql-shield';

type FieldRule = ReturnType<typeof rule> extends (...args: never[]) => infer R ? R | ReturnType<typeof and> : never;
import { ForbiddenError, UnauthenticatedError } from '../shared/errors';
import { DEPARTMENTS } from '../shared/domain';
import type { Viewer } from '../shared/auth';
import {
  ENTITY_PERMISSIONS,
  INPUT_PERMISSIONS,
  isGranted,
  isGrantedTo,
  PERMISSIONS,
  type Grant,
  type PermissionTable,
} from '../modules/access/permission-table';
import type { RequestContext } from './context';

// Field rules generated from the permission table. Deny by default: a field without a grant is FORBIDDEN.
// Rules read nothing but the viewer, so the per-request ('contextual') cache keyed by rule name is safe.

/** A field grant's verdict for a viewer: true, or the error the field answers. */
function fieldVerdict(typeName: string, fieldName: string, grant: Grant, viewer: Viewer | null): true | Error {
  if (viewer === null) return new UnauthenticatedError();
  if (isGrantedTo(grant, viewer)) return true;
  return new ForbiddenError(
    grant.departments.includes(viewer.department)
      ? `${typeName}.${fieldName} is for city-level users only`
      : `Your department may not access ${typeName}.${fieldName}`,
  );
}

function fieldRule(typeName: string, fieldName: string, grant: Grant) {
  return rule(`${typeName}.${fieldName}`, { cache: 'contextual' })((_parent, _args, context: RequestContext) =>
    fieldVerdict(typeName, fieldName, grant, context.viewer),
  );
}

type FieldMiddleware = (
  resolve: (parent: unknown, args: unknown, context: unknown, info: unknown) => unknown,
  parent: unknown,
  args: unknown,
  context: RequestContext,
  info: unknown,
) => unknown;

/**
 * The same rule as fieldRule without graphql-shield's async wrapper: its verdict reads only the viewer, so
 * it is decided synchronously and a granted field returns its resolver's value as is (a plain value stays
 * plain). graphql-shield awaits every rule and every resolver, which made each wrapped field of each list item
 * a promise (issue 11). Errors keep shield's timing: a refusal, or an error the resolver throws, is answered
 * as a promise of the error (shield's allowExternalErrors), so sibling fields still run and report theirs.
 */
function syncFieldMiddleware(typeName: string, fieldName: string, grant: Grant): FieldMiddleware {
  return (resolve, parent, args, context, info) => {
    const verdict = fieldVerdict(typeName, fieldName, grant, context.viewer);
    if (verdict !== true) return Promise.resolve(verdict);
    try {
      return resolve(parent, args, context, info);
    } catch (error) {
      return Promise.resolve(error);
    }
  };
}

/** Whether an input type (or one nested in it) has fields that INPUT_PERMISSIONS restricts. */
function restrictsInput(type: GraphQLInputType, inputs: PermissionTable, seen = new Set<string>()): boolean {
  const named = getNamedType(type);
  if (!isInputObjectType(named) || seen.has(named.name)) return false;
  seen.add(named.name);
  if (inputs[named.name]) return true;
  return Object.values(named.getFields()).some((field) => restrictsInput(field.type, inputs, seen));
}

function hasInputRestrictions(typeName: string, field: GraphQLField<unknown, unknown>, inputs: PermissionTable): boolean {
  return inputs[`${typeName}.${field.name}`] !== undefined || field.args.some((argument) => restrictsInput(argument.type, inputs));
}

/** The first input field or argument the viewer sets but may not use, e.g. "PersonFilter.category". */
function refusedInput(value: unknown, type: GraphQLInputType, inputs: PermissionTable, viewer: Viewer): string | null {
  if (value === null || value === undefined) return null;
  if (isNonNullType(type)) return refusedInput(value, type.ofType, inputs, viewer);
  if (isListType(type)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      const refused = refusedInput(item, type.ofType, inputs, viewer);
      if (refused) return refused;
    }
    return null;
  }
  if (!isInputObjectType(type) || typeof value !== 'object') return null;
  for (const [name, field] of Object.entries(type.getFields())) {
    const fieldValue = (value as Record<string, unknown>)[name];
    if (fieldValue === null || fieldValue === undefined) continue;
    const grant = inputs[type.name]?.[name];
    if (grant && !isGrantedTo(grant, viewer)) return `${type.name}.${name}`;
    const refused = refusedInput(fieldValue, field.type, inputs, viewer);
    if (refused) return refused;
  }
  return null;
}

// Depends on the arguments, so it is not cached per request like the field rules.
function inputRule(typeName: string, field: GraphQLField<unknown, unknown>, inputs: PermissionTable) {
  return rule(`${typeName}.${field.name}:inputs`, { cache: 'no_cache' })(
    (_parent, args: Record<string, unknown>, context: RequestContext) => {
      const viewer = context.viewer;
      if (viewer === null) return new UnauthenticatedError();
      for (const argument of field.args) {
        const value = args[argument.name];
        if (value === null || value === undefined) continue;
        const grant = inputs[`${typeName}.${field.name}`]?.[argument.name];
        if (grant && !isGrantedTo(grant, viewer)) {
          return new ForbiddenError(`Your department may not use the argument ${argument.name} of ${typeName}.${field.name}`);
        }
        const refused = refusedInput(value, argument.type, inputs, viewer);
        if (refused) return new ForbiddenError(`Your department may not use ${refused}`);
      }
      return true;
    },
  );
}

/** The twelve kinds of viewer: each department at city and at county level, e.g. "TAX:county". */
export const VIEWER_KINDS: readonly string[] = DEPARTMENTS.flatMap((department) => [`${department}:city`, `${department}:county`]);

function grantedKinds(grant: Grant | undefined): Set<string> {
  return new Set(
    VIEWER_KINDS.filter((kind) => {
      const [department, level] = kind.split(':') as [(typeof DEPARTMENTS)[number], string];
      return isGranted(grant, department, level === 'city');
    }),
  );
}

/**
 * Which viewer kinds can ever hold an object of each type: a kind reaches a type only through a field
 * whose rule it passes. Fixpoint over the type graph from the root types.
 */
export function reachableKinds(schema: GraphQLSchema, table: PermissionTable): Map<string, Set<string>> {
  const reach = new Map<string, Set<string>>();
  const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter((type) => type != null);
  for (const root of roots) reach.set(root.name, new Set(VIEWER_KINDS));
  const targets = (type: GraphQLNamedType): string[] =>
    isAbstractType(type) ? schema.getPossibleTypes(type).map((possible) => possible.name) : isObjectType(type) ? [type.name] : [];
  let changed = true;
  while (changed) {
    changed = false;
    for (const [typeName, kinds] of [...reach.entries()]) {
      const type = schema.getType(typeName);
      if (!type || !isObjectType(type)) continue;
      for (const [fieldName, field] of Object.entries(type.getFields())) {
        const passing = grantedKinds(table[typeName]?.[fieldName]);
        for (const target of targets(getNamedType(field.type))) {
          const known = reach.get(target) ?? new Set<string>();
          for (const kind of kinds) {
            if (passing.has(kind) && !known.has(kind)) {
              known.add(kind);
              changed = true;
            }
          }
          reach.set(target, known);
        }
      }
    }
  }
  return reach;
}

/**
 * Fields whose rule can never fail: every viewer kind that can hold the parent object already passes
 * the field's grant (e.g. Person.name once Query.persons let the viewer in). Leaving these unwrapped
 * keeps list items cheap and changes no outcome. Root fields and fields without a grant are never here.
 */
export function redundantRules(schema: GraphQLSchema, table: PermissionTable, inputs: PermissionTable = {}): Set<string> {
  const reach = reachableKinds(schema, table);
  const roots = new Set([schema.getQueryType()?.name, schema.getMutationType()?.name, schema.getSubscriptionType()?.name]);
  const redundant = new Set<string>();
  for (const [typeName, fields] of Object.entries(table)) {
    const type = schema.getType(typeName);
    if (!type || !isObjectType(type) || roots.has(typeName)) continue;
    const holders = reach.get(typeName) ?? new Set<string>();
    for (const [fieldName, grant] of Object.entries(fields)) {
      const field = type.getFields()[fieldName];
      if (!field || hasInputRestrictions(typeName, field, inputs)) continue;
      const passing = grantedKinds(grant);
      if ([...holders].every((kind) => passing.has(kind))) redundant.add(`${typeName}.${fieldName}`);
    }
  }
  return redundant;
}

export interface ShieldOptions {
  /** Permission table to enforce; the application's unless a test passes a small one. */
  table?: PermissionTable;
  /** Input fields and arguments restricted beyond their operation's grant (INPUT_PERMISSIONS). */
  inputs?: PermissionTable;
  /** Skip provably redundant field rules (default true); false wraps every field, for comparisons. */
  skipRedundant?: boolean;
  /**
   * A Federation subgraph: `_entities` gets the entity readers' grant (row rules apply in the reference
   * resolver, field rules on every entity field as usual); `_service` answers anyone, or only
   * authenticated callers when `serviceNeedsViewer` (production).
   */
  federation?: { serviceNeedsViewer: boolean };
}

function withEntityGrants(table: PermissionTable): PermissionTable {
  return { ...table, Query: { ...table.Query, ...ENTITY_PERMISSIONS.Query } };
}

// The composition SDL holds no data, but in production only known callers may read it.
function federationServiceRules(serviceNeedsViewer: boolean) {
  const service = rule('Query._service', { cache: 'contextual' })((_parent, _args, context: RequestContext) =>
    serviceNeedsViewer && context.viewer === null ? new UnauthenticatedError() : true,
  );
  return { service, sdl: rule('_Service.sdl', { cache: 'contextual' })(() => true) };
}

export function applyShield(schema: GraphQLSchema, options: ShieldOptions = {}): GraphQLSchema {
  const table = options.federation ? withEntityGrants(options.table ?? PERMISSIONS) : (options.table ?? PERMISSIONS);
  const inputs = options.inputs ?? (options.table ? {} : INPUT_PERMISSIONS);
  const rules: IRules = {};
  for (const [typeName, fields] of Object.entries(table)) {
    const type = schema.getType(typeName);
    if (!type || !isObjectType(type)) continue;
    const typeRules: Record<string, FieldRule> = {};
    for (const [fieldName, grant] of Object.entries(fields)) {
      const field = type.getFields()[fieldName];
      if (!field) continue;
      const granted = fieldRule(typeName, fieldName, grant);
      typeRules[fieldName] = hasInputRestrictions(typeName, field, inputs) ? and(granted, inputRule(typeName, field, inputs)) : granted;
    }
    (rules as Record<string, unknown>)[typeName] = typeRules;
  }
  if (options.federation) {
    const { service, sdl } = federationServiceRules(options.federation.serviceNeedsViewer);
    (rules as Record<string, Record<string, unknown>>).Query = {
      ...(rules as Record<string, Record<string, unknown>>).Query,
      _service: service,
    };
    (rules as Record<string, unknown>)._Service = { sdl };
  }
  const permissions = shield(rules, {
    fallbackRule: rule('deny', { cache: 'strict' })((_parent, _args, context: RequestContext) =>
      context.viewer === null ? new UnauthenticatedError() : new ForbiddenError(),
    ),
    allowExternalErrors: true,
    debug: false,
    fallbackError: () => new ForbiddenError(),
  });
  if (options.skipRedundant === false) return applyMiddleware(schema, permissions);
  const redundant = redundantRules(schema, table, inputs);
  const plainGrants = new Map<string, Grant>();
  for (const [typeName, fields] of Object.entries(table)) {
    const type = schema.getType(typeName);
    if (!type || !isObjectType(type)) continue;
    for (const [fieldName, grant] of Object.entries(fields)) {
      const field = type.getFields()[fieldName];
      if (field && !hasInputRestrictions(typeName, field, inputs)) plainGrants.set(`${typeName}.${fieldName}`, grant);
    }
  }
  // Shield's middleware minus the fields whose rule cannot fail (they keep their plain resolver); a field whose
  // rule reads only the viewer gets the same rule decided synchronously; the rest (input rules, deny) stay shield's.
  const trimmed = middlewareGenerator((target: GraphQLSchema) => {
    const fieldMap = permissions.generate(target) as IMiddlewareFieldMap;
    for (const [typeName, fields] of Object.entries(fieldMap)) {
      const typeFields = fields as Record<string, unknown>;
      for (const fieldName of Object.keys(typeFields)) {
        const key = `${typeName}.${fieldName}`;
        const grant = plainGrants.get(key);
        if (redundant.has(key)) delete typeFields[fieldName];
        else if (grant) typeFields[fieldName] = syncFieldMiddleware(typeName, fieldName, grant);
      }
    }
    return fieldMap;
  });
  return applyMiddleware(schema, trimmed);
}
