// Small-cell protection of a statistics table (issue 13): every figure counting 1..k-1 persons is withheld,
// and further figures are withheld until no withheld figure can be worked out from the published ones.
//
// The table has d grouped dimensions; the answer publishes every cell and every margin (the sums over any
// set of dimensions, down to the grand total), each as a persons count and an amount. A figure is an
// "aggregate": a set of grouped dimensions (a bit mask) and a value for each of them.
//
// Attacker model (deliberately generous): the attacker knows every published count and amount, knows
// which figures are zero (zeros are always published), and can split each cell into its paid persons
// (amount > 0, status ELIGIBLE or TO_ENROL) and the others, since the amount gives the former. A withheld
// aggregate x is protected when there is a *witness*: another table, with the same zeros and the same
// published figures, in which x differs. We build witnesses as lifted hypercubes: choose a set S of the
// dimensions x groups by, two values for each dimension in S (x's own and a partner), fixed values for the
// others; the witness adds +1/-1 alternately on the 2^|S| corners of the paid (or unpaid) persons. Every
// line of the table through a corner holds two corners of opposite sign, so every published total is
// unchanged as long as every aggregate the corners touch (below) is withheld; all corners hold at least one
// person of that kind, so the other table is still possible (no negative counts, no known zero changed).

export type PersonKind = 'PAID' | 'UNPAID';

export interface CountTable {
  /** Number of values of each grouped dimension (at least 1 each, at most 3 dimensions used in practice). */
  sizes: readonly number[];
  /** Persons of each full cell, mixed-radix index (the last dimension varies fastest). */
  persons: readonly number[];
  /** Of those, persons with an amount (> 0); never more than `persons`. */
  paid: readonly number[];
}

/** One witness: the full cells it changes (index and +1/-1) and whose persons they are. */
export interface Witness {
  kind: PersonKind;
  changes: ReadonlyArray<{ cell: number; delta: 1 | -1 }>;
}

export interface Protection {
  threshold: number;
  /** Whether the aggregate grouped by `mask` with these values (one per dimension; ignored outside mask) is withheld. */
  isSuppressed(mask: number, key: readonly number[]): boolean;
  /** Withheld because they count 1..k-1 persons. */
  primaryCount: number;
  /** Withheld in all (primary and complementary, margins included, duplicates of a single-valued dimension once). */
  suppressedCount: number;
  /** True when no witness could be built and every non-zero figure was withheld instead. */
  withheldAll: boolean;
  /** The witnesses found (tests check them). */
  witnesses: readonly Witness[];
}

interface Layout {
  sizes: readonly number[];
  dimensions: number;
  /** Dimensions with two or more values; a single-valued dimension makes a margin equal to its cells. */
  effectiveMask: number;
  masks: number[];
  offsets: Map<number, number>;
  total: number;
}

function bitsOf(mask: number, dimensions: number): number[] {
  const bits: number[] = [];
  for (let dimension = 0; dimension < dimensions; dimension++) if (mask & (1 << dimension)) bits.push(dimension);
  return bits;
}

function popCount(mask: number): number {
  let count = 0;
  for (let rest = mask; rest; rest &= rest - 1) count++;
  return count;
}

function layoutOf(sizes: readonly number[]): Layout {
  const dimensions = sizes.length;
  let effectiveMask = 0;
  sizes.forEach((size, dimension) => {
    if (size >= 2) effectiveMask |= 1 << dimension;
  });
  const masks: number[] = [];
  for (let mask = 0; mask < 1 << dimensions; mask++) if ((mask & ~effectiveMask) === 0) masks.push(mask);
  const offsets = new Map<number, number>();
  let total = 0;
  for (const mask of masks) {
    offsets.set(mask, total);
    total += bitsOf(mask, dimensions).reduce((product, dimension) => product * sizes[dimension]!, 1);
  }
  return { sizes, dimensions, effectiveMask, masks, offsets, total };
}

/** The id of an aggregate (canonical: single-valued dimensions dropped from the mask). */
function aggregateId(layout: Layout, mask: number, key: readonly number[]): number {
  const canonical = mask & layout.effectiveMask;
  let index = 0;
  for (const dimension of bitsOf(canonical, layout.dimensions)) index = index * layout.sizes[dimension]! + key[dimension]!;
  return layout.offsets.get(canonical)! + index;
}

function keyOfCell(sizes: readonly number[], cell: number): number[] {
  const key = new Array<number>(sizes.length).fill(0);
  let rest = cell;
  for (let dimension = sizes.length - 1; dimension >= 0; dimension--) {
    key[dimension] = rest % sizes[dimension]!;
    rest = Math.floor(rest / sizes[dimension]!);
  }
  return key;
}

function cellOfKey(sizes: readonly number[], key: readonly number[]): number {
  return key.reduce((index, value, dimension) => index * sizes[dimension]! + value, 0);
}

interface Aggregates {
  persons: number[];
  paid: number[];
  /** mask and key of each aggregate id. */
  masks: number[];
  keys: number[][];
}

function aggregate(layout: Layout, table: CountTable): Aggregates {
  const persons = new Array<number>(layout.total).fill(0);
  const paid = new Array<number>(layout.total).fill(0);
  const masks = new Array<number>(layout.total).fill(0);
  const keys = new Array<number[]>(layout.total);
  const cells = table.persons.length;
  for (let cell = 0; cell < cells; cell++) {
    const key = keyOfCell(layout.sizes, cell);
    for (const mask of layout.masks) {
      const id = aggregateId(layout, mask, key);
      persons[id]! += table.persons[cell]!;
      paid[id]! += table.paid[cell]!;
      if (keys[id] === undefined) {
        masks[id] = mask;
        keys[id] = key.map((value, dimension) => (mask & (1 << dimension) ? value : 0));
      }
    }
  }
  return { persons, paid, masks, keys };
}

interface Candidate {
  changes: Array<{ cell: number; delta: 1 | -1 }>;
  touched: number[];
}

/**
 * Every witness of `kind` that covers aggregate (mask, key): S ⊆ mask, a partner value for each dimension
 * of S, fixed values (x's own inside mask, any outside) for the others. Yields only feasible ones
 * (every corner holds a person of that kind).
 */
function* candidates(layout: Layout, table: CountTable, mask: number, key: readonly number[], kind: PersonKind): Generator<Candidate> {
  const value = (cell: number) => (kind === 'PAID' ? table.paid[cell]! : table.persons[cell]! - table.paid[cell]!);
  const { sizes, dimensions } = layout;
  const inside = bitsOf(mask, dimensions);
  const outside = bitsOf(layout.effectiveMask & ~mask, dimensions);
  for (let subset = mask; ; subset = (subset - 1) & mask) {
    const varying = bitsOf(subset, dimensions);
    // Choices: a partner for each varying dimension, a value for each dimension outside the mask.
    const choiceDimensions = [...varying, ...outside];
    const choiceCounts = choiceDimensions.map((dimension) => (subset & (1 << dimension) ? sizes[dimension]! - 1 : sizes[dimension]!));
    const choice = new Array<number>(choiceDimensions.length).fill(0);
    const done = choiceCounts.some((count) => count === 0);
    while (!done) {
      const base = [...key];
      const partner = [...key];
      choiceDimensions.forEach((dimension, position) => {
        if (subset & (1 << dimension)) {
          const pick = choice[position]!;
          partner[dimension] = pick >= key[dimension]! ? pick + 1 : pick;
        } else {
          base[dimension] = choice[position]!;
          partner[dimension] = choice[position]!;
        }
      });
      for (const dimension of inside) if (!(subset & (1 << dimension))) partner[dimension] = key[dimension]!;
      const changes: Array<{ cell: number; delta: 1 | -1 }> = [];
      let feasible = true;
      for (let corner = 0; corner < 1 << varying.length && feasible; corner++) {
        const cornerKey = [...base];
        let parity = 0;
        varying.forEach((dimension, position) => {
          if (corner & (1 << position)) {
            cornerKey[dimension] = partner[dimension]!;
            parity ^= 1;
          }
        });
        const cell = cellOfKey(sizes, cornerKey);
        if (value(cell) < 1) feasible = false;
        changes.push({ cell, delta: parity ? -1 : 1 });
      }
      if (feasible) {
        // The aggregates the witness changes: in every table whose mask holds S, the corners at the fixed values.
        const touched = new Set<number>();
        for (const change of changes) {
          const cornerKey = keyOfCell(sizes, change.cell);
          for (const tableMask of layout.masks) if ((tableMask & subset) === subset) touched.add(aggregateId(layout, tableMask, cornerKey));
        }
        yield { changes, touched: [...touched] };
      }
      let position = 0;
      while (position < choice.length) {
        choice[position]! += 1;
        if (choice[position]! < choiceCounts[position]!) break;
        choice[position] = 0;
        position++;
      }
      if (position === choice.length) break;
    }
    if (subset === 0) break;
  }
}

/**
 * Withholds every aggregate with 1..threshold-1 persons, then adds complementary withholdings until every
 * withheld aggregate has a witness of the kind it needs (PAID when it has paid persons, which also protects
 * its amount; UNPAID otherwise). Greedy: the witness that withholds the fewest new aggregates, then the
 * fewest persons; ties by enumeration order, so the answer is deterministic. Zeros are never withheld.
 */
export function protectSmallCells(table: CountTable, threshold: number): Protection {
  if (table.sizes.length > 30) throw new RangeError('too many dimensions');
  const cellCount = table.sizes.reduce((product, size) => product * size, 1);
  if (table.persons.length !== cellCount || table.paid.length !== cellCount)
    throw new RangeError('table size does not match its dimensions');
  const layout = layoutOf(table.sizes);
  const figures = aggregate(layout, table);
  const suppressed = new Set<number>();
  const coveredBy = new Map<number, Set<PersonKind>>();
  const witnesses: Witness[] = [];
  const queue: number[] = [];
  for (let id = 0; id < layout.total; id++) {
    const persons = figures.persons[id]!;
    if (persons >= 1 && persons < threshold) {
      suppressed.add(id);
      queue.push(id);
    }
  }
  const primaryCount = suppressed.size;
  // Cells first, then margins of fewer dimensions: a cell's witness usually protects its margins' neighbours too.
  queue.sort((left, right) => popCount(figures.masks[right]!) - popCount(figures.masks[left]!) || left - right);
  let withheldAll = false;
  while (queue.length > 0) {
    const id = queue.shift()!;
    const kind: PersonKind = figures.paid[id]! > 0 ? 'PAID' : 'UNPAID';
    if (coveredBy.get(id)?.has(kind)) continue;
    let best: Candidate | null = null;
    let bestCost: [number, number] = [Infinity, Infinity];
    for (const candidate of candidates(layout, table, figures.masks[id]!, figures.keys[id]!, kind)) {
      const fresh = candidate.touched.filter((touched) => !suppressed.has(touched));
      const cost: [number, number] = [fresh.length, fresh.reduce((sum, touched) => sum + figures.persons[touched]!, 0)];
      if (cost[0] < bestCost[0] || (cost[0] === bestCost[0] && cost[1] < bestCost[1])) {
        best = candidate;
        bestCost = cost;
        if (cost[0] === 0) break;
      }
    }
    if (best === null) {
      withheldAll = true;
      break;
    }
    witnesses.push({ kind, changes: best.changes });
    for (const touched of best.touched) {
      if (!suppressed.has(touched)) {
        suppressed.add(touched);
        queue.push(touched);
      }
      const kinds = coveredBy.get(touched) ?? new Set<PersonKind>();
      kinds.add(kind);
      coveredBy.set(touched, kinds);
    }
  }
  if (withheldAll) {
    for (let id = 0; id < layout.total; id++) if (figures.persons[id]! > 0) suppressed.add(id);
  }
  return {
    threshold,
    isSuppressed: (mask, key) => suppressed.has(aggregateId(layout, mask, key)),
    primaryCount,
    suppressedCount: suppressed.size,
    withheldAll,
    witnesses: withheldAll ? [] : witnesses,
  };
}
