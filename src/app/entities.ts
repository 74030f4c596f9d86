import { AuditEvent } from '../modules/audit/audit-event.entity';
import { FundingRule } from '../modules/budgets/funding-rule.entity';
import { PensionStatusChange } from '../modules/enrolment/pension-status-change.entity';
import { County } from '../modules/counties/county.entity';
import { ProxyPayment } from '../modules/payments/proxy-payment.entity';
import { Person } from '../modules/people/person.entity';
import { RosterEntry } from '../modules/rosters/roster-entry.entity';
import { RosterSubmission } from '../modules/rosters/roster-submission.entity';

export const ENTITIES = [County, Person, RosterSubmission, RosterEntry, ProxyPayment, FundingRule, AuditEvent, PensionStatusChange];
