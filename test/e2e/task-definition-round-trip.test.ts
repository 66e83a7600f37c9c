import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemberAnswer } from '#functions/api/ecs/model/answer.ts';
import { declaredAnswers } from '#functions/api/ecs/model/answers.ts';
import { awsEcs } from '../support/aws-cli.ts';
import { startBerth, type TestBerth } from '../support/berth.ts';

const FIXTURES = new URL('../fixtures/task-definitions/', import.meta.url);

/** What DescribeTaskDefinition answers beside the request's members; the CLI refuses them in --cli-input-json. */
const OUTPUT_ONLY = [
  'taskDefinitionArn',
  'revision',
  'status',
  'requiresAttributes',
  'compatibilities',
  'registeredAt',
  'registeredBy',
  'deregisteredAt',
];

/** Fixtures Berth refuses: by the member whose declared answer they get, or by the error Berth gives a value. */
const refusedBy: Record<string, string | { type: string; message: string }> = {
  '09-refused-inference-accelerator.json': 'inferenceAccelerators',
  '10-refused-app-mesh-proxy.json': 'proxyConfiguration',
  '11-refused-efs-volume.json': 'volumes[].efsVolumeConfiguration',
};

const fixtures = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.json'))
  .sort();

function registrationInput(described: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(described).filter(([key]) => !OUTPUT_ONLY.includes(key)));
}

function fixture(name: string): Record<string, unknown> {
  const file = JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as { taskDefinition: Record<string, unknown> };
  return file.taskDefinition;
}

function refusal(member: string | { type: string; message: string }): { type: string; message: string } {
  if (typeof member !== 'string') return member;
  const answer: MemberAnswer | undefined = declaredAnswers.RegisterTaskDefinition?.[member];
  if (answer?.answer !== 'refused') throw new Error(`${member} has no declared refusal`);
  return answer.error;
}

/**
 * Task definitions as Amazon ECS describes them register unchanged (once the
 * output-only members are removed, as the AWS CLI demands) through the AWS CLI
 * and the JS SDK, and Berth's own DescribeTaskDefinition answer registers
 * again to the same definition.
 */
describe('task definition round trip', { timeout: 300_000 }, () => {
  let berth: TestBerth;
  const dir = mkdtempSync(join(tmpdir(), 'berth-td-'));

  beforeAll(async () => {
    berth = await startBerth();
  });
  afterAll(async () => {
    await berth?.stop();
  });

  async function aws(...args: string[]): Promise<{ ok: boolean; json: Record<string, unknown>; stderr: string }> {
    try {
      const json = await awsEcs(berth, ...args);
      return { ok: true, json, stderr: '' };
    } catch (error) {
      return { ok: false, json: {}, stderr: String((error as { stderr?: unknown }).stderr ?? error) };
    }
  }

  async function cliRegister(input: Record<string, unknown>, name: string) {
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify(input));
    return aws('register-task-definition', '--cli-input-json', `file://${file}`);
  }

  it('has at least ten fixtures', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(10);
  });

  it('refuses describe output that still carries output-only members, in the CLI, as with ECS', async () => {
    const answer = await cliRegister(fixture('01-nginx-bridge.json'), 'unstripped.json');
    expect(answer.ok).toBe(false);
    expect(answer.stderr).toMatch(/Unknown parameter in input: "taskDefinitionArn"/);
  });

  it.each(fixtures.filter((f) => !refusedBy[f]))(
    'registers %s through the CLI and the SDK, and again from Berth’s describe',
    async (name) => {
      const input = registrationInput(fixture(name));
      const viaCli = await cliRegister(input, name);
      expect(viaCli.stderr).toBe('');
      const first = viaCli.json.taskDefinition as Record<string, unknown>;
      expect(first).toMatchObject({ family: input.family, status: 'ACTIVE' });

      const viaSdk = await berth.ecs.send(
        new RegisterTaskDefinitionCommand(input as unknown as RegisterTaskDefinitionCommandInput),
      );
      expect(viaSdk.taskDefinition?.revision).toBe((first.revision as number) + 1);

      const described = await aws('describe-task-definition', '--task-definition', String(first.taskDefinitionArn));
      const again = await cliRegister(
        registrationInput(described.json.taskDefinition as Record<string, unknown>),
        `again-${name}`,
      );
      expect(again.stderr).toBe('');
      const latest = await berth.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: String(input.family) }));
      expect(registrationInput(latest.taskDefinition as Record<string, unknown>)).toEqual(registrationInput(first));
    },
  );

  it.each(Object.entries(refusedBy))('answers %s with its refusal', async (name, member) => {
    const input = registrationInput(fixture(name));
    const expected = refusal(member);
    const viaCli = await cliRegister(input, name);
    expect(viaCli.ok).toBe(false);
    expect(viaCli.stderr).toContain(`(${expected.type})`);
    expect(viaCli.stderr).toContain(expected.message);
    await expect(
      berth.ecs.send(new RegisterTaskDefinitionCommand(input as unknown as RegisterTaskDefinitionCommandInput)),
    ).rejects.toMatchObject({ name: expected.type, message: expected.message });
  });
});
