import { describe, expect, it } from 'vitest';
import { DEVELOPMENT_JWT_SECRET, loadConfig } from '../../src/config/config';

describe('loadConfig', () => {
  it('should use the documented defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config.port).toBe(4000);
    expect(config.databaseUrl).toBeNull();
    expect(config.dataDir.endsWith('.data')).toBe(true);
    expect(config.jwtSecret).toBe(DEVELOPMENT_JWT_SECRET);
    expect(config.precedence).toEqual(['RETURNED_POVERTY', 'TEKUN', 'DIBAO']);
    expect(config.statisticsMinimumCount).toBe(5);
    expect(config.metricsToken).toBeNull();
  });

  it('should read the statistics small-cell threshold, 2 to 1000', () => {
    expect(loadConfig({ PA_STATISTICS_MIN_COUNT: '10' }).statisticsMinimumCount).toBe(10);
    expect(() => loadConfig({ PA_STATISTICS_MIN_COUNT: '1' })).toThrow(/PA_STATISTICS_MIN_COUNT must be between 2 and 1000/);
    expect(() => loadConfig({ PA_STATISTICS_MIN_COUNT: 'five' })).toThrow(/PA_STATISTICS_MIN_COUNT/);
  });

  it('should keep finished import jobs 30 days and purge hourly unless told, and refuse a retention under a day', () => {
    expect(loadConfig({}).importJobs).toMatchObject({ retentionDays: 30, purgeEverySeconds: 3600 });
    expect(loadConfig({ PA_IMPORT_JOB_RETENTION_DAYS: '7', PA_IMPORT_JOB_PURGE_SECONDS: '600' }).importJobs).toMatchObject({
      retentionDays: 7,
      purgeEverySeconds: 600,
    });
    expect(() => loadConfig({ PA_IMPORT_JOB_RETENTION_DAYS: '0' })).toThrow(/PA_IMPORT_JOB_RETENTION_DAYS must be between 1 and 3650/);
  });

  it('should read PA_METRICS_TOKEN and refuse a short one or one with spaces', () => {
    expect(loadConfig({ PA_METRICS_TOKEN: 'scrape-token-0123456789' }).metricsToken).toBe('scrape-token-0123456789');
    expect(() => loadConfig({ PA_METRICS_TOKEN: 'short' })).toThrow(/PA_METRICS_TOKEN/);
    expect(() => loadConfig({ PA_METRICS_TOKEN: 'has a space in it 0123' })).toThrow(/PA_METRICS_TOKEN/);
  });

  it('should name the variable when a value is bad', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x/y' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
    expect(() => loadConfig({ NODE_ENV: 'staging' })).toThrow(/NODE_ENV/);
    expect(() => loadConfig({ PA_CATEGORY_PRECEDENCE: 'DIBAO,TEKUN,RETURNED_POVERTY' })).toThrow(/PA_CATEGORY_PRECEDENCE/);
  });

  it('should refuse to start in production without a real JWT secret', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET/);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) }).jwtSecret).toBe('x'.repeat(40));
  });

  it('should accept the other civil-affairs order as a setting', () => {
    expect(loadConfig({ PA_CATEGORY_PRECEDENCE: 'RETURNED_POVERTY,DIBAO,TEKUN' }).precedence).toEqual([
      'RETURNED_POVERTY',
      'DIBAO',
      'TEKUN',
    ]);
  });

  it('should serve the explorer outside production, and in production only when PA_EXPLORER=on', () => {
    const production = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) };
    expect(loadConfig({}).explorer).toBe(true);
    expect(loadConfig({ PA_EXPLORER: 'off' }).explorer).toBe(false);
    expect(loadConfig(production).explorer).toBe(false);
    expect(loadConfig({ ...production, PA_EXPLORER: 'on' }).explorer).toBe(true);
    expect(() => loadConfig({ PA_EXPLORER: 'yes' })).toThrow(/PA_EXPLORER must be one of on, off/);
  });

  it('should run operations compiled unless PA_EXECUTION=graphql-js', () => {
    expect(loadConfig({}).execution).toBe('compiled');
    expect(loadConfig({ PA_EXECUTION: 'graphql-js' }).execution).toBe('graphql-js');
    expect(() => loadConfig({ PA_EXECUTION: 'jit' })).toThrow(/PA_EXECUTION must be one of compiled, graphql-js/);
  });

  it('should read PA_PROCESSES and DATABASE_REPLICA_URL, which needs a DATABASE_URL to be the primary', () => {
    expect(loadConfig({}).processes).toBe(1);
    expect(loadConfig({}).databaseReplicaUrl).toBeNull();
    expect(loadConfig({ PA_PROCESSES: '2' }).processes).toBe(2);
    expect(() => loadConfig({ PA_PROCESSES: '0' })).toThrow(/PA_PROCESSES must be between 1 and 64/);
    expect(() => loadConfig({ PA_PROCESSES: 'two' })).toThrow(/PA_PROCESSES/);
    const primary = 'postgres://app@db-primary:5432/pension_aid';
    const replica = 'postgres://app@db-replica:5432/pension_aid';
    expect(loadConfig({ DATABASE_URL: primary, DATABASE_REPLICA_URL: replica }).databaseReplicaUrl).toBe(replica);
    expect(() => loadConfig({ DATABASE_REPLICA_URL: replica })).toThrow(/DATABASE_REPLICA_URL needs DATABASE_URL/);
    expect(() => loadConfig({ DATABASE_URL: primary, DATABASE_REPLICA_URL: 'mysql://x/y' })).toThrow(/DATABASE_REPLICA_URL/);
  });
});
