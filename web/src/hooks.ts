import { createContext } from 'preact';
import { useCallback, useContext, useEffect, useRef, useState, type StateUpdater } from 'preact/hooks';
import type { Me, Reference } from './types';

export interface AppCtx {
  me: Me;
  reference: Reference;
  /** Shows a short message in the live region (screen readers read it). */
  announce: (text: string) => void;
}
export const AppContext = createContext<AppCtx | null>(null);
export function useApp(): AppCtx {
  const c = useContext(AppContext);
  if (!c) throw new Error('AppContext missing');
  return c;
}

export interface Async<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
}

/** Runs a request when its key changes; the latest answer wins (an older, slower one is dropped). */
export function useAsync<T>(fn: () => Promise<T>, key: string): Async<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  const fnRef = useRef(fn);
  fnRef.current = fn;
  useEffect(() => {
    const my = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    fnRef.current().then(
      (data) => my === seq.current && setState({ data, loading: false }),
      (error: Error) => my === seq.current && setState({ error, loading: false }),
    );
  }, [key, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

/** Ids chosen with the rows' checkboxes; `toggle` adds or removes one. */
export function useSelection(initial: () => Set<string> = () => new Set()): [Set<string>, (u: StateUpdater<Set<string>>) => void, (id: string) => void] {
  const [selected, setSelected] = useState<Set<string>>(initial);
  const toggle = (id: string) =>
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });
  return [selected, setSelected, toggle];
}

/** Sets the document title, so tabs and history read well. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} – Số hóa sổ hộ tịch`;
  }, [title]);
}
