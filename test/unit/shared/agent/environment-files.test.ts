import { describe, expect, it } from 'vitest';
import { containerConfig } from '#shared/agent/container-config.ts';
import { mergeEnvironmentFiles, parseEnvironmentFile } from '#shared/agent/environment-files.ts';
import type { ContainerDefinition } from '#shared/schemas/task-definition.ts';
import { aSpec } from './fixtures.ts';

describe('environment files', () => {
  it.each<[string, string, { name: string; value: string }[]]>([
    ['a plain line', 'A=1', [{ name: 'A', value: '1' }]],
    ['comments and blank lines', '# note\n\n  # indented\nB=2\r\n', [{ name: 'B', value: '2' }]],
    [
      'a value with = and spaces, kept as written',
      'URL=http://x/?a=b c ',
      [{ name: 'URL', value: 'http://x/?a=b c ' }],
    ],
    ['quotes kept, as a Docker env-file keeps them', 'Q="x"', [{ name: 'Q', value: '"x"' }]],
    ['an empty value', 'E=', [{ name: 'E', value: '' }]],
    ['lines without a name or =', '=1\nNOVALUE\n', []],
  ])('parses %s', (_, text, variables) => {
    expect(parseEnvironmentFile(text)).toEqual(variables);
  });

  it('lets the first file win among files and the environment win over all of them', () => {
    const merged = mergeEnvironmentFiles(['A=file1\nB=file1', 'A=file2\nC=file2'], new Map([['B', 'env']]));
    expect(Object.fromEntries(merged)).toEqual({ A: 'file1', B: 'env', C: 'file2' });
  });

  it('reaches the container config beneath the definition environment and the secrets', () => {
    const definition: ContainerDefinition = {
      name: 'app',
      image: 'busybox',
      environment: [{ name: 'B', value: 'env' }],
    };
    const config = containerConfig(aSpec([definition]), definition, {
      instanceId: 'i1',
      hostPorts: [],
      stopTimeoutSeconds: 30,
      secrets: [{ name: 'C', value: 'secret' }],
      environmentFiles: ['A=file\nB=file\nC=file'],
    });
    expect(config.environment).toEqual(['A=file', 'B=env', 'C=secret']);
  });
});
