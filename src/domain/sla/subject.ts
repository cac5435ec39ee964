/** A pause of a record's work, during which a clock that pauses stands still. */
export interface PauseSpan {
  readonly start: string;
  readonly end: string | null;
  readonly reason: string;
}

/** A deadline miss the watcher recorded on a record. */
export interface RecordedMiss {
  readonly clock: string;
  readonly deadline: string;
  readonly at: string;
}

/**
 * A record as its SLA clocks see it: what its policies are chosen by, when it reached each
 * milestone, its pauses, its recorded misses and when it ended.
 */
export interface ClockSubject {
  readonly caseType: string;
  readonly propertyId: string;
  readonly category: string;
  readonly complexity?: string;
  milestoneAt(milestone: string): string | null;
  /** When it ended without finishing its work: withdrawn, rejected, cancelled, or closed. */
  readonly endedAt: string | null;
  readonly pauses: readonly PauseSpan[];
  readonly misses: readonly RecordedMiss[];
  /** Every instant its clocks depend on: the latest is when they are read for the read model. */
  readonly inputs: ReadonlyArray<string | null | undefined>;
}

/** How a record type answers its clocks' questions from its facts. */
export interface ClockParts<F> {
  readonly milestones: Readonly<Record<string, (facts: F) => string | null>>;
  readonly endedAt: (facts: F) => string | null;
  readonly pauses: (facts: F) => readonly PauseSpan[];
  readonly misses: (facts: F) => readonly RecordedMiss[];
  readonly category: (facts: F) => string;
  readonly complexity?: (facts: F) => string;
  readonly inputs: (facts: F) => ReadonlyArray<string | null | undefined>;
}

const none = (): readonly never[] => [];

/** The clock parts of a record that has no clocks. */
export const noClocks: ClockParts<unknown> = {
  milestones: {},
  endedAt: () => null,
  pauses: none,
  misses: none,
  category: () => '',
  inputs: none,
};

/** A record's facts as its clocks see them. */
export const clockSubject = <F extends { readonly propertyId: string }>(caseType: string, parts: ClockParts<F>, facts: F): ClockSubject => ({
  caseType,
  propertyId: facts.propertyId,
  category: parts.category(facts),
  ...(parts.complexity ? { complexity: parts.complexity(facts) } : {}),
  milestoneAt: (milestone) => parts.milestones[milestone]?.(facts) ?? null,
  endedAt: parts.endedAt(facts),
  pauses: parts.pauses(facts),
  misses: parts.misses(facts),
  get inputs() {
    return parts.inputs(facts);
  },
});
