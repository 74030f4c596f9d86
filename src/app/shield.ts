import { getNamedType, isAbstractType, isObjectType, type GraphQLNamedType, type GraphQLSchema } from 'graphql';
import { applyMiddleware, middleware as middlewareGenerator, type IMiddlewareFieldMap } from 'graphql-middleware';
import { rule, shield, type IRules } from 'graphql-shield';
import { ForbiddenError, UnauthenticatedError } from '../shared/errors';
import { DEPARTMENTS } from '../shared/domain';
import { isGranted, PERMISSIONS, type Grant, type PermissionTable } from '../modules/access/permission-table';
import type { RequestContext } from './context';

// Field rules generated from the permission table. Deny by default: a field without a grant is FORBIDDEN.
// Rules read nothing but the viewer, so the per-request ('contextual') cache keyed by rule name is safe.

function fieldRule(typeName: string, fieldName: string, grant: Grant) {
  return rule(`${typeName}.${fieldName}`, { cache: 'contextual' })((_parent, _args, context: RequestContext) => {
    const viewer = context.viewer;
    if (viewer === null) return new UnauthenticatedError();
    if (isGranted(grant, viewer.department, viewer.county === null)) return true;
    return new ForbiddenError(
      grant.departments.includes(viewer.department)
        ? `${typeName}.${fieldName} is for city-level users only`
        : `Your department may not access ${typeName}.${fieldName}`,
    );
  });
}

/** The twelve kinds of viewer: each department at city and at county level, e.g. "TAX:county". */
export const VIEWER_KINDS: readonly string[] = DEPARTMENTS.flatMap((department) => [`${department}:city`, `${department}:county`]);

function grantedKinds(grant: Grant | undefined): Set<string> {
  return new Set(VIEWER_KINDS.filter((kind) => {
    const [department, level] = kind.split(':') as [(typeof DEPARTMENTS)[number], string];
    return isGranted(grant, department, level === 'city');
  }));
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
export function redundantRules(schema: GraphQLSchema, table: PermissionTable): Set<string> {
  const reach = reachableKinds(schema, table);
  const roots = new Set([schema.getQueryType()?.name, schema.getMutationType()?.name, schema.getSubscriptionType()?.name]);
  const redundant = new Set<string>();
  for (const [typeName, fields] of Object.entries(table)) {
    const type = schema.getType(typeName);
    if (!type || !isObjectType(type) || roots.has(typeName)) continue;
    const holders = reach.get(typeName) ?? new Set<string>();
    for (const [fieldName, grant] of Object.entries(fields)) {
      if (!type.getFields()[fieldName]) continue;
      const passing = grantedKinds(grant);
      if ([...holders].every((kind) => passing.has(kind))) redundant.add(`${typeName}.${fieldName}`);
    }
  }
  return redundant;
}

export interface ShieldOptions {
  /** Permission table to enforce; the application's unless a test passes a small one. */
  table?: PermissionTable;
  /** Skip provably redundant field rules (default true); false wraps every field, for comparisons. */
  skipRedundant?: boolean;
}

export function applyShield(schema: GraphQLSchema, options: ShieldOptions = {}): GraphQLSchema {
  const table = options.table ?? PERMISSIONS;
  const rules: IRules = {};
  for (const [typeName, fields] of Object.entries(table)) {
    const type = schema.getType(typeName);
    if (!type || !isObjectType(type)) continue;
    const typeRules: Record<string, ReturnType<typeof fieldRule>> = {};
    for (const [fieldName, grant] of Object.entries(fields)) {
      if (type.getFields()[fieldName]) typeRules[fieldName] = fieldRule(typeName, fieldName, grant);
    }
    (rules as Record<string, unknown>)[typeName] = typeRules;
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
  const redundant = redundantRules(schema, table);
  // Same shield middleware, minus the fields whose rule cannot fail (they keep their plain resolver).
  const trimmed = middlewareGenerator((target: GraphQLSchema) => {
    const fieldMap = permissions.generate(target) as IMiddlewareFieldMap;
    for (const [typeName, fields] of Object.entries(fieldMap)) {
      for (const fieldName of Object.keys(fields as Record<string, unknown>)) {
        if (redundant.has(`${typeName}.${fieldName}`)) delete (fields as Record<string, unknown>)[fieldName];
      }
    }
    return fieldMap;
  });
  return applyMiddleware(schema, trimmed);
}
