import type { QueryRunner } from '../../shared/sql';
import type { IsoDate } from '../../shared/dates';
import type { HardshipCategory, PensionStatus } from '../../shared/domain';
import { SettledLoader } from '../../shared/settled-loader';
import type { UseCaseContext } from '../../shared/use-case';
import { decideEligibility, type EligibilityDecision, type FundingRuleFacts } from './domain/eligibility';
import type { DatedEntry } from './domain/precedence';
import { EligibilityQueries } from './eligibility.queries';

// Per request: one loader per year. A decision needs the person's birth date and pension status, all their roster
// entries and the year's funding rules. The person is the field's parent (already read by the page or the lookup
// that found them); the entries come from the request's entry loader, the same batch a page's rosterEntries and
// county use; so a page of decisions costs one statement of its own, the year's funding rules (issue 11).

/** What R4 reads of the person: every Person parent (a page's row, a lookup's row, an entity's row) has it. */
export interface PersonFacts {
  id: number;
  birthDate: IsoDate;
  pensionStatus: PensionStatus;
}

export interface EligibilityLoader {
  /** The decision: as is when the page's decisions were made, else a promise batched with the others. */
  load(person: PersonFacts): EligibilityDecision | Promise<EligibilityDecision>;
  /** Decides for a whole page in one batch; afterwards load() answers these persons synchronously. */
  prime(persons: readonly PersonFacts[]): Promise<void>;
}

export type EligibilityLoaders = (year: number) => EligibilityLoader;

export interface EligibilityContext extends UseCaseContext {
  loaders: { eligibility: EligibilityLoaders };
}

/** Every roster entry of a person, whatever the viewer may see (the request's shared loader). */
export interface EntrySource {
  load(personId: number): readonly DatedEntry[] | Promise<readonly DatedEntry[]>;
}

export function createEligibilityLoaders(
  db: QueryRunner,
  precedence: readonly HardshipCategory[],
  entries: EntrySource,
): EligibilityLoaders {
  const queries = new EligibilityQueries(db);
  const byYear = new Map<number, EligibilityLoader>();
  const rulesByYear = new Map<number, Promise<FundingRuleFacts[]>>();
  // Persons seen as parents in this request, by id: their facts travel with the key.
  const persons = new Map<number, PersonFacts>();
  const rulesOf = (year: number): Promise<FundingRuleFacts[]> => {
    let rules = rulesByYear.get(year);
    if (!rules) rulesByYear.set(year, (rules = queries.fundingRules(year)));
    return rules;
  };
  const remember = (person: PersonFacts) => {
    if (!persons.has(person.id)) persons.set(person.id, person);
  };
  return (year) => {
    let loader = byYear.get(year);
    if (!loader) {
      const decisions = new SettledLoader<number, EligibilityDecision>(async (personIds) => {
        const [fundingRules, entryLists] = await Promise.all([rulesOf(year), Promise.all(personIds.map((id) => entries.load(id)))]);
        return personIds.map((id, index) => {
          const person = persons.get(id)!;
          return decideEligibility({
            year,
            birthYear: Number(person.birthDate.slice(0, 4)),
            pensionStatus: person.pensionStatus,
            entries: entryLists[index]!,
            precedence,
            fundingRules,
          });
        });
      });
      loader = {
        load(person) {
          remember(person);
          return decisions.load(person.id);
        },
        prime(page) {
          for (const person of page) remember(person);
          return decisions.prime(page.map((person) => person.id));
        },
      };
      byYear.set(year, loader);
    }
    return loader;
  };
}
