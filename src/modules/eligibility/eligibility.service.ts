import type { EligibilityContext, PersonFacts } from './eligibility.loader';
import { requireViewer } from '../../shared/use-case';
import { yearOf } from '../../shared/dates';
import { isPolicyYear } from '../../shared/domain';
import { ProblemList } from '../../shared/errors';
import { IdNumber } from '../../shared/id-number';
import { PeopleQueries } from '../people/people.queries';
import { checkYear } from '../reports/report-arguments';
import type { EligibilityDecision } from './domain/eligibility';

export class EligibilityService {
  constructor(private readonly context: EligibilityContext) {}

  /** Decision for a person the viewer may see; null otherwise (existence does not leak). */
  async forIdNumber(idNumberText: string, year: number): Promise<EligibilityDecision | null> {
    const viewer = requireViewer(this.context);
    const problems = new ProblemList();
    const { idNumber, message } = IdNumber.check(idNumberText, false);
    if (message !== null) problems.add('idNumber', message);
    checkYear(year, problems);
    problems.throwIfAny();
    const person = await new PeopleQueries(this.context.db).findVisible(viewer, idNumber!.value, yearOf(this.context.today));
    if (!person) return null;
    return this.forPerson(person, year);
  }

  /**
   * Batched per request: a page of persons costs a constant number of statements. A decision already loaded for
   * the page comes back as is (no promise per person); a bad year is refused as a promise, like any load.
   */
  forPerson(person: PersonFacts, year: number): EligibilityDecision | Promise<EligibilityDecision> {
    // Once per person of a page: a policy year goes straight to the loader; any other year is refused as before.
    if (isPolicyYear(year)) return this.context.loaders.eligibility(year).load(person);
    const problems = new ProblemList();
    checkYear(year, problems);
    try {
      problems.throwIfAny();
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return this.context.loaders.eligibility(year).load(person);
  }
}
