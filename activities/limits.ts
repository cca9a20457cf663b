import type { LimitName } from '../clients/config';

/**
 * A user's file over one of the configured limits, found while reading it. The message says
 * where (row, file) and ends with the variable that sets the limit, so whoever is refused knows
 * what to split and whoever runs the system knows what to raise.
 */
export class LimitExceeded extends Error {
  constructor(
    readonly limit: LimitName,
    message: string,
  ) {
    super(`${message} (${limit})`);
    this.name = 'LimitExceeded';
  }
}
