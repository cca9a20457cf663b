import { CancellationScope, sleep } from '@temporalio/workflow';

/**
 * The book's one wake-up timer (its next deadline, reminder or overdue mark), kept while the wake-up
 * time stays the same: an update that does not move it costs no timer commands, and the loop waits on
 * a plain condition instead of a condition with a timeout (fewer promises in every activation).
 */
export class WakeTimer {
  private at: number | undefined;
  private scope: CancellationScope | undefined;
  /** The timer for `at` has fired: the loop has something to do. */
  fired = false;

  /** Sets the wake-up time (undefined: none); a new timer only when it changed or the last one fired. */
  set(at: number | undefined): void {
    if (at === this.at && !this.fired) return;
    this.scope?.cancel();
    this.scope = undefined;
    this.at = at;
    this.fired = false;
    if (at === undefined) return;
    const scope = new CancellationScope();
    this.scope = scope;
    scope.run(() => sleep(Math.max(at - Date.now(), 1))).then(
      () => {
        if (this.scope === scope) this.fired = true;
      },
      // Cancelled: a later wake-up time replaced it.
      () => undefined,
    );
  }
}
