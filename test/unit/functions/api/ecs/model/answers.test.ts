import { describe, expect, it } from 'vitest';
import { declaredAnswers } from '#functions/api/ecs/model/answers.ts';
import { model } from '#functions/api/ecs/model/model.ts';
import { schemaPaths } from '#functions/api/ecs/model/zod-paths.ts';
import { ecsOperations } from '#functions/api/ecs/router.ts';

const declared = Object.entries(declaredAnswers).flatMap(([operation, members]) =>
  Object.entries(members).map(([path, answer]) => ({ operation, path, answer })),
);

describe('the declared answers', () => {
  it('name only operations and members of the model, so none is a typo that never applies', () => {
    const strays = declared.filter(
      ({ operation, path }) => !model.operations[operation]?.members.some((m) => m.path === path),
    );
    expect(strays.map((d) => `${d.operation} ${d.path}`)).toEqual([]);
  });

  // A member not yet supported simply becomes supported when its schema lands; a refusal
  // outlived by an implementation is stale reasoning to delete.
  it('refuse no member an operation schema accepts', () => {
    const contradicted = declared.filter(
      ({ operation, path, answer }) =>
        answer.answer === 'refused' &&
        Object.hasOwn(ecsOperations, operation) &&
        schemaPaths(ecsOperations[operation]!.schema).has(path),
    );
    expect(contradicted.map((d) => `${d.operation} ${d.path}`)).toEqual([]);
  });
});
