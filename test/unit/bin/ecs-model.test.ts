import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MEMBERS_FILE, readEcsModel, renderEcsModel } from '#bin/ecs-model.ts';

describe('shared/schemas/ecs-model/members.json', () => {
  it('is what bin/ecs-model.ts reads from the installed @aws-sdk/client-ecs (run it after an upgrade)', () => {
    expect(readFileSync(MEMBERS_FILE, 'utf8')).toBe(renderEcsModel(readEcsModel()));
  });

  it('lists the members of nested shapes, with the ones the model requires', () => {
    const model = readEcsModel();
    expect(Object.keys(model.operations)).toHaveLength(88);
    const register = model.operations.RegisterTaskDefinition!.members;
    expect(register).toContainEqual({ path: 'family', type: 'string', required: true });
    expect(register).toContainEqual({ path: 'containerDefinitions[].linuxParameters.capabilities.add', type: 'list' });
    expect(register).toContainEqual({
      path: 'volumes[].efsVolumeConfiguration.fileSystemId',
      type: 'string',
      required: true,
    });
  });
});
