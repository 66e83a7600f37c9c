/**
 * Writes docs/compatibility.md: every operation of the ECS model and every
 * request member with Berth's answer, from the same table the API applies.
 *
 *   npx tsx bin/compatibility-doc.ts
 *
 * Run it after changing an operation's schema or the answer table;
 * test/unit/functions/api/ecs/model/compatibility-doc.test.ts fails while the
 * committed file differs.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ecsOperations } from '#functions/api/ecs/router.ts';
import { compatibilityDoc } from '#functions/api/ecs/model/compatibility-doc.ts';
import { model } from '#functions/api/ecs/model/model.ts';

export const COMPATIBILITY_FILE = fileURLToPath(new URL('../docs/compatibility.md', import.meta.url));

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(COMPATIBILITY_FILE, compatibilityDoc(model, ecsOperations));
}
