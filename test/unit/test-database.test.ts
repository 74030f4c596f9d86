import { describe, expect, it } from 'vitest';
import { assertTestDatabaseUrl } from '../support/test-database';

describe('the test set-up guard', () => {
  it('should refuse a TEST_DATABASE_URL or DATABASE_URL when its database name does not say "test"', () => {
    expect(() => assertTestDatabaseUrl('postgres://pension_aid:secret@db.example:5432/pension_aid')).toThrow(/must contain "test"/);
    expect(() => assertTestDatabaseUrl('postgres://postgres@127.0.0.1:5432/')).toThrow(/must contain "test"/);
  });

  it('should accept a database whose name says "test"', () => {
    expect(() => assertTestDatabaseUrl('postgres://postgres@127.0.0.1:5432/pension_aid_test')).not.toThrow();
  });
});
