import { filterSchema, pruneSchema } from '@graphql-tools/utils';
import { isNonNullType, validateSchema, type GraphQLSchema } from 'graphql';
import { DEPARTMENTS, departmentSlug, type Department } from '../../shared/domain';
import { INPUT_PERMISSIONS, PERMISSIONS, type Grant, type PermissionTable } from './permission-table';

// A department's view of the schema (DESIGN.md §4): only what the permission table grants it, at city
// or county level. Derived from the same table as the shield, never listed by hand. Types that no
// granted field leads to are pruned. Rules that differ by level (cityOnly) stay in the view and are
// enforced at run time by the shield.

function grantsDepartment(grant: Grant | undefined, department: Department): boolean {
  return grant !== undefined && grant.departments.includes(department);
}

/**
 * Input fields and arguments are optional restrictions: INPUT_PERMISSIONS lists input fields by input
 * type name and arguments by "Type.field"; anything not listed there follows its operation's grant.
 */
function inputAllowed(inputs: PermissionTable, owner: string, name: string, department: Department): boolean {
  const grant = inputs[owner]?.[name];
  return grant === undefined || grantsDepartment(grant, department);
}

export interface ViewTables {
  permissions?: PermissionTable;
  inputs?: PermissionTable;
}

/** The department's view, or null when the table grants it no query at all (then it has no endpoint). */
export function departmentView(schema: GraphQLSchema, department: Department, tables: ViewTables = {}): GraphQLSchema | null {
  const permissions = tables.permissions ?? PERMISSIONS;
  const inputs = tables.inputs ?? INPUT_PERMISSIONS;
  const filtered = filterSchema({
    schema,
    rootFieldFilter: (operation, fieldName) => grantsDepartment(permissions[operation]?.[fieldName], department),
    objectFieldFilter: (typeName, fieldName) => grantsDepartment(permissions[typeName]?.[fieldName], department),
    // A required input cannot be withheld without breaking its operation, so only optional ones are dropped.
    inputObjectFieldFilter: (typeName, fieldName, config) =>
      (config !== undefined && isNonNullType(config.type)) || inputAllowed(inputs, typeName ?? '', fieldName ?? '', department),
    argumentFilter: (typeName, fieldName, argumentName, config) =>
      (config !== undefined && isNonNullType(config.type)) ||
      inputAllowed(inputs, `${typeName}.${fieldName}`, argumentName ?? '', department),
  });
  // Removes unreachable types, then fields whose type became empty, until nothing changes.
  const view = pruneSchema(filtered);
  if (!view.getQueryType()) return null;
  const problems = validateSchema(view);
  if (problems.length > 0) {
    throw new Error(`The ${department} view of the schema is invalid: ${problems.map((problem) => problem.message).join('; ')}`);
  }
  return view;
}

export interface DepartmentView {
  department: Department;
  slug: string;
  schema: GraphQLSchema;
}

export function departmentViews(schema: GraphQLSchema): DepartmentView[] {
  return DEPARTMENTS.flatMap((department) => {
    const view = departmentView(schema, department);
    return view === null ? [] : [{ department, slug: departmentSlug(department), schema: view }];
  });
}
