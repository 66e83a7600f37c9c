import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMPATIBILITY_FILE } from '#bin/compatibility-doc.ts';
import { compatibilityDoc } from '#functions/api/ecs/model/compatibility-doc.ts';
import { model } from '#functions/api/ecs/model/model.ts';
import { ecsOperations } from '#functions/api/ecs/router.ts';

describe('docs/compatibility.md', () => {
  it('is what bin/compatibility-doc.ts generates from the answer table (run it after changing an answer)', () => {
    expect(readFileSync(COMPATIBILITY_FILE, 'utf8')).toBe(compatibilityDoc(model, ecsOperations));
  });

  it('names every operation of the model', () => {
    const doc = compatibilityDoc(model, ecsOperations);
    for (const name of Object.keys(model.operations)) expect(doc).toContain(`## ${name}\n`);
    expect(doc).not.toContain('**no answer**');
  });
});
