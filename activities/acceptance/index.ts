export { createAcceptanceActivities, acceptanceInputSchema, acceptanceReportKey, type AcceptanceActivities, type AcceptanceInput, type AcceptanceOutput } from './compute';
export { buildAcceptanceMinutes, MINUTES_TITLE, LEGAL_BASIS, type AcceptanceMinutesInput } from './minutes';
