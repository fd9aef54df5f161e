import { expect, it } from 'vitest';

// Planted on purpose: test/infra/exit-codes.test.ts runs this file and expects the run to fail loudly.
it('fails, as planted', () => {
  expect(1 + 1).toBe(3);
});
