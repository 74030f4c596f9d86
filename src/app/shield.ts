import type { GraphQLSchema } from 'graphql';
import { isObjectType } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { rule, shield, type IRules } from 'graphql-shield';
import { ForbiddenError, UnauthenticatedError } from '../shared/errors';
import { isGranted, PERMISSIONS } from '../modules/access/permission-table';
import type { RequestContext } from './context';

// Field rules generated from the permission table. Deny by default: a field without a grant is FORBIDDEN.
// Rules read nothing but the viewer, so the per-request ('contextual') cache keyed by rule name is safe.

function fieldRule(typeName: string, fieldName: string) {
  const grant = PERMISSIONS[typeName]![fieldName]!;
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

export function applyShield(schema: GraphQLSchema): GraphQLSchema {
  const rules: IRules = {};
  for (const [typeName, fields] of Object.entries(PERMISSIONS)) {
    const type = schema.getType(typeName);
    if (!type || !isObjectType(type)) continue;
    const typeRules: Record<string, ReturnType<typeof fieldRule>> = {};
    for (const fieldName of Object.keys(fields)) {
      if (type.getFields()[fieldName]) typeRules[fieldName] = fieldRule(typeName, fieldName);
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
  return applyMiddleware(schema, permissions);
}
