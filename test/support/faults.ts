import { FileOutbox } from '../../clients/outbox';
import type { ArtifactStore } from '../../clients/storage/types';
import type { Notice } from '../../domain/notices';

/** An outbox whose writes wait at a gate the test opens: a slow or stalled notice channel. */
export class GatedOutbox extends FileOutbox {
  private open = true;
  private release: () => void = () => undefined;
  private gate: Promise<void> = Promise.resolve();
  private waiters: ((n: Notice) => void)[] = [];

  /** Holds every write from now on, until `openGate()`. */
  close(): void {
    this.open = false;
    this.gate = new Promise((r) => (this.release = r));
  }

  openGate(): void {
    this.open = true;
    this.release();
  }

  /** Resolves when a write of a notice is held at (or passes) the gate. */
  nextWrite(): Promise<Notice> {
    return new Promise((r) => this.waiters.push(r));
  }

  override async write(notice: Notice): Promise<void> {
    for (const w of this.waiters.splice(0)) w(notice);
    if (!this.open) await this.gate;
    return super.write(notice);
  }
}

/**
 * A store that fails every call touching one of the `broken` prefixes, as an unreachable MinIO
 * would, until the prefix is healed; other books are served by the real store underneath.
 */
export function breakableStore(store: ArtifactStore): ArtifactStore & { broken: Set<string> } {
  const broken = new Set<string>();
  const hit = (args: unknown[]) => args.some((a) => typeof a === 'string' && [...broken].some((p) => a.startsWith(p)));
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'broken') return broken;
      const v = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        if (hit(args)) return Promise.reject(new Error('kho lưu trữ không trả lời (ECONNREFUSED)'));
        return v.apply(target, args);
      };
    },
  }) as ArtifactStore & { broken: Set<string> };
}
