import type { Client } from '@temporalio/client';
import type { ProvincePlan, SetProvinceDeadline } from '../../contracts/v1/plan';
import type { Actor } from '../../contracts/v1/values';
import type { PlanNow } from '../../domain/planDeadline';
import { ensurePlan, moveProvinceDeadline, readPlan } from '../../clients/temporal/plan';
import { mapTemporalError, refusalOf } from './books';

/** Between two reads of the plan (another API process may have moved it). */
const REFRESH_MS = 2000;

/**
 * The province plan as this API last read it: every route that shows a deadline or counts overdue books
 * reads it without a call to Temporal (refreshed every two seconds, and at once after a move made here).
 */
export class PlanService {
  private plan: ProvincePlan;
  private timer?: NodeJS.Timeout;
  /** Moves made here: a read begun before one must not put the plan back as it was. */
  private moves = 0;

  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly configured: string,
    private readonly onError: (e: unknown) => void,
  ) {
    this.plan = { deadline: configured, changes: [] };
  }

  /** Starts the plan's workflow if none runs, reads it, and keeps reading it. */
  async start(): Promise<void> {
    try {
      await ensurePlan(this.client, this.taskQueue, this.configured);
      await this.refresh();
    } catch (e) {
      this.onError(e);
    }
    this.timer ??= setInterval(() => void this.refresh().catch(this.onError), REFRESH_MS).unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  get current(): ProvincePlan {
    return this.plan;
  }

  /** The plan's deadline and the clock, as the deadlines of the books that follow it are derived. */
  now(): PlanNow {
    return { deadline: this.plan.deadline, nowMs: Date.now() };
  }

  async move(actor: Actor, payload: SetProvinceDeadline): Promise<ProvincePlan> {
    try {
      this.plan = await moveProvinceDeadline(this.client, actor, payload);
      this.moves++;
    } catch (e) {
      // Already that deadline: a repeated PUT answers the plan as it is.
      if (refusalOf(e)?.code !== 'NoChange') throw mapTemporalError(e);
      await this.refresh();
    }
    return this.plan;
  }

  private async refresh(): Promise<void> {
    const moves = this.moves;
    const plan = await readPlan(this.client, this.configured);
    if (moves === this.moves) this.plan = plan;
  }
}
