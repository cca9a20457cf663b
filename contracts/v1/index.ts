/** Version 1 of every contract: values, commands, the workflow's input and carried state, status, errors, the API's answers. */
export * from './values';
export * from './commands';
export * from './workflow';
export * from './status';
export * from './errors';
export * from './reports';
export * from './filters';
export * from './reference';
export * from './responses';
export * from './schedules';
export * from './cells';
export * from './quality';
export * from './plan';
