import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('runtime', () => {
  it('the tests run on the Node.js LTS that scripts/install-tools.sh pins (Node 20 is past end of life)', () => {
    const pinned = /^NODE_VERSION=(\S+)/m.exec(readFileSync('scripts/install-tools.sh', 'utf8'))?.[1];
    expect(pinned).toMatch(/^24\./);
    expect(process.version, 'run the tests with `make test`: it puts .tools/node/bin first on PATH').toBe(`v${pinned}`);
  });
});
