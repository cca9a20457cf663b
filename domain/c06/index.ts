/** Data handed back by C06: its column vocabulary, cell normalisation, matching rows to books, and keys. */
export * from './vocabulary';
export * from './normalise';
export * from './matching';
export * from './keys';
