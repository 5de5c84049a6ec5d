import { MemoryCounters } from '../storage/counters.js';
import type { RunCounters } from '../storage/counters.js';
import { FingerprintSeenSet } from '../storage/fingerprint-seen-set.js';
import type { FrontierStore } from '../storage/frontier-store.js';
import type { SeenSet } from '../storage/seen-set.js';
import { SpillingFrontierStore } from '../storage/spilling-frontier-store.js';
import type { ResolvedOptions } from './options.js';
import type { OpenedState } from './run-state.js';
import type { SharedRun } from './shared-run.js';

/** The frontier, seen-set and counters a run uses, and whether it created the frontier (and so closes it). */
export interface RunStores {
  frontier: FrontierStore;
  seen: SeenSet;
  counters: RunCounters;
  ownsFrontier: boolean;
}

/**
 * The stores of a run: a shared crawl's (Redis) when it is a worker of one, else the persisted state's when it has
 * one, else those given in options, else in memory.
 */
export function runStores(options: ResolvedOptions, state: OpenedState | undefined, shared?: SharedRun): RunStores {
  return {
    frontier: shared?.state.frontier ?? state?.db.frontier ?? options.frontierStore ?? new SpillingFrontierStore(),
    seen: shared?.state.seen ?? state?.db.seen ?? options.seenSet ?? new FingerprintSeenSet(),
    counters: shared?.state.counters ?? state?.db.counters ?? new MemoryCounters(),
    ownsFrontier: options.frontierStore === undefined && !state && !shared,
  };
}
