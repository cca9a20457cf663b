import { z } from 'zod';

/**
 * Loaded once per worker into the SDK's shared context (the bundle's `preloadModules`), not once per
 * book: zod's own modules, which every book otherwise instantiated again (most of a cached book's
 * memory, about 2 MB against 0.2 MB for a bare workflow). The SDK freezes what it shares; zod sets its
 * defaults (locale, memoizer) on the first schema it builds and its feature checks on first read, so
 * one schema is built and parsed here, before the freeze. The books' own schemas stay theirs: zod
 * changes a schema on its first parse (its parser, a regex's lastIndex), which a frozen one cannot take.
 */
z.object({ ready: z.string().regex(/^y/) }).safeParse({ ready: 'yes' });
