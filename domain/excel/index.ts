/** Excel template specs and checks, pure (no I/O). See columns.ts and codes.ts for sources. */
export * from './codes';
export * from './columns';
export * from './problems';
export * from './values';
export * from './rowSchema';
export * from './header';
export * from './crossCheck';
export * from './prefill';
export * from './normalize';
