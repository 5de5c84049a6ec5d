import { useEffect, useState } from 'preact/hooks';
import { getRecords } from './api.js';

/**
 * The records of one kind of a job, loaded a page at a time: `{ records, more, loadMore, error }`. Reloaded from
 * the start when `version` changes (a running job's manifest is a journal that is rewritten when it ends, so byte
 * cursors do not survive that; reloading keeps the view right).
 */
export function useRecords(id, kind, version, limit = 200) {
  const [state, setState] = useState({ records: [], next: null, error: null, loading: true });

  useEffect(() => {
    let stopped = false;
    getRecords(id, kind, null, limit).then(
      (page) => !stopped && setState({ records: page.records, next: page.next, error: null, loading: false }),
      (failure) => !stopped && setState((earlier) => ({ ...earlier, error: failure.message, loading: false })),
    );
    return () => {
      stopped = true;
    };
  }, [id, kind, version]);

  async function loadMore() {
    const page = await getRecords(id, kind, state.next, limit);
    setState((earlier) => ({ ...earlier, records: [...earlier.records, ...page.records], next: page.next }));
  }

  // A finished list still answers `next` for a job that may grow; more is worth asking only when a full page came.
  const more = state.next !== null && state.records.length >= limit;
  return { ...state, more, loadMore };
}
