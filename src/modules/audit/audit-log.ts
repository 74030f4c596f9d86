import type { PoolClient } from 'pg';
import type { Viewer } from '../../shared/auth';

// Successful writes leave an audit_event row in the same transaction: both happen, or neither.

export type AuditAction = 'SUBMIT_ROSTER' | 'RECORD_ENROLMENT' | 'RECORD_PAYMENTS' | 'SET_FUNDING_RULE' | 'IMPORT';

export interface AuditRecord {
  action: AuditAction;
  operation?: string | null;
  personCount?: number;
  details: Record<string, unknown>;
}

export async function writeAuditEvent(client: PoolClient, viewer: Viewer, record: AuditRecord): Promise<void> {
  await client.query(
    `insert into audit_event (subject, department, county, action, operation, person_count, details)
     values ($1, $2, $3, $4, $5, $6, $7::jsonb)`,
    [viewer.subject, viewer.department, viewer.county, record.action, record.operation ?? null, record.personCount ?? 0, JSON.stringify(record.details)],
  );
}
