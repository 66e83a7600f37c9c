import { describe, expect, it } from 'vitest';
import { checkNetworkRules } from '#shared/domain/network-rules.ts';
import { ClientError } from '#shared/domain/errors.ts';
import type { ContainerDefinition, RegisterTaskDefinitionRequest } from '#shared/schemas/task-definition.ts';

type Mode = RegisterTaskDefinitionRequest['networkMode'];
const request = (
  containerDefinitions: ContainerDefinition[],
  networkMode?: RegisterTaskDefinitionRequest['networkMode'],
): RegisterTaskDefinitionRequest => ({ family: 'f', containerDefinitions, ...(networkMode ? { networkMode } : {}) });
const web: ContainerDefinition = { name: 'web', image: 'busybox' };
const linked = (...links: string[]): ContainerDefinition => ({ name: 'client', image: 'busybox', links });

describe('the network rules of RegisterTaskDefinition', () => {
  it.each<[string, ContainerDefinition[], Mode]>([
    ['a link by name', [web, linked('web')], undefined],
    ['a link with an alias', [web, linked('web:site')], 'bridge'],
    [
      'awsvpc with hostPort equal to containerPort',
      [{ ...web, portMappings: [{ containerPort: 80, hostPort: 80 }] }],
      'awsvpc',
    ],
    ['awsvpc without hostPort', [{ ...web, portMappings: [{ containerPort: 80 }] }], 'awsvpc'],
  ])('accepts %s', (_, containers, mode) => {
    expect(() => checkNetworkRules(request(containers, mode))).not.toThrow();
  });

  it.each<[string, ContainerDefinition[], Mode, string]>([
    ['a link to a container not in the task', [web, linked('db:database')], undefined, "links to 'db'"],
    ['a link to itself', [linked('client')], undefined, 'Invalid link'],
    ['an alias DNS cannot answer for', [web, linked('web:bad alias')], undefined, 'Invalid link'],
    ['links in awsvpc', [web, linked('web')], 'awsvpc', 'Links are not supported when networkMode=awsvpc'],
    ['links in host mode', [web, linked('web')], 'host', 'Links are not supported when networkMode=host'],
    [
      'a hostname in awsvpc',
      [{ ...web, hostname: 'web.local' }],
      'awsvpc',
      'hostname is not supported on container when networkMode=awsvpc.',
    ],
    [
      'extraHosts in awsvpc',
      [{ ...web, extraHosts: [{ hostname: 'db', ipAddress: '192.0.2.9' }] }],
      'awsvpc',
      'extraHosts is not supported on container when networkMode=awsvpc.',
    ],
    [
      'awsvpc with hostPort other than containerPort',
      [{ ...web, portMappings: [{ containerPort: 80, hostPort: 8080 }] }],
      'awsvpc',
      'host ports and container ports in port mappings must match',
    ],
  ])('refuses %s, naming it', (_, containers, mode, message) => {
    expect(() => checkNetworkRules(request(containers, mode))).toThrow(ClientError);
    expect(() => checkNetworkRules(request(containers, mode))).toThrow(message);
  });
});
