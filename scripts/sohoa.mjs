#!/usr/bin/env node
// The `sohoa` command: runs the TypeScript CLI (api/cli/main.ts) through tsx, in this process;
// `sohoa demo` is the province generator (scripts/demo.ts), which also talks to Temporal and the store.
import { register } from 'tsx/esm/api';

register();
const cli = process.argv[2] === 'demo' ? '../scripts/demo.ts' : '../api/cli/main.ts';
await import(new URL(cli, import.meta.url).href);
