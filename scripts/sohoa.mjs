#!/usr/bin/env node
// The `sohoa` command: runs the TypeScript CLI (api/cli/main.ts) through tsx, in this process.
import { register } from 'tsx/esm/api';

register();
await import(new URL('../api/cli/main.ts', import.meta.url).href);
