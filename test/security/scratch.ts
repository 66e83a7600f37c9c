import { z } from 'zod';
import { ecsOperations } from '../../functions/api/ecs/router.ts';
for (const [name, op] of Object.entries(ecsOperations)) {
  try {
    const js = z.toJSONSchema(op.schema, { io: 'input', unrepresentable: 'any' });
    console.log(name, JSON.stringify(js).length);
    if (name === 'RunTask') console.log(JSON.stringify(js).slice(0, 1500));
  } catch (e) { console.log(name, 'ERR', (e as Error).message); }
}
