import * as commands from '../contracts/v1/commands';
import * as plan from '../contracts/v1/plan';
import * as values from '../contracts/v1/values';
import * as workflow from '../contracts/v1/workflow';
import * as book from '../domain/book';

/**
 * Loaded once per worker into the SDK's shared context (the bundle's `preloadModules`), not once per
 * book: zod and the schemas the workflows parse with (the contracts', a book's rules). Building them was
 * most of a book's start on a worker (4.5 of its 6 ms of worker CPU), and a schema's first parse
 * compiles its parser: both are paid once per worker now, and a cached book holds no schema of its own.
 *
 * The SDK deep-freezes what it shares, zod with it. zod sets its defaults on the first schema it builds
 * and its feature checks on the first parse, so one schema is parsed here, before the freeze. A schema
 * itself must stay writable (zod writes to it as it parses: a pattern's lastIndex, lazily built parts):
 * each schema module's export object is made non-extensible first, which makes it frozen already (its
 * exports are fixed getters), and the freeze stops at an object already frozen. Sharing is safe because
 * these modules hold no per-book state (schemas, constants and pure functions); the rest of `domain/`
 * and `workflows/` stays per book.
 */
values.actorSchema.safeParse({ userId: 'preload', role: 'clerk', scope: 'agency', agencyCode: '49' });
for (const m of [values, commands, workflow, plan, book]) Object.preventExtensions(m);
