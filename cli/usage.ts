import { AGENTS_USAGE } from './agents-command.ts';
import { AUDIT_USAGE } from './audit-command.ts';
import { BOOTSTRAP_USAGE } from './bootstrap-command.ts';
import { CLUSTER_SECURITY_USAGE } from './cluster-security-command.ts';
import { CONNECTION_USAGE } from './connection.ts';
import { EXPLAIN_USAGE } from './explain.ts';
import { KEYS_USAGE } from './keys-command.ts';
import { OUTPUT_USAGE } from './output-format.ts';
import { STATUS_USAGE } from './status-command.ts';
import { LOGS_USAGE } from './logs-command.ts';

export const USAGE = `Usage: berth <command> [options]

Commands:
  status [--cluster NAME]                                clusters, services, instances and recent events at a glance
  agents list [--cluster NAME]                           container instances and their agents
  agents token --cluster NAME [--ttl 15m] [--uses N]     a registration token for berth-agent
  keys create (--policy FILE | --admin) [--name NAME]   create an access key (its secret is shown once)
  keys list | disable ID | rotate ID                     list, disable or replace access keys
  logs TASK [--container C] [--since 10m] [--follow]      a task's awslogs output (docs/logs.md)
  audit [--since TIME] [--limit N]                       read the audit log
  cluster-policy get|set CLUSTER [--file FILE]           a cluster's security policy (privilege, host access, images)
  secrets put NAME --value-stdin | list | delete NAME    Berth's secret store (valueFrom berth:secret:NAME)
  explain --task-definition REF [...]                    where a RunTask would place its tasks
  bootstrap --table NAME --kms-key-id KEY                the first admin key of an AWS deployment
  help [COMMAND]                                         this summary, or one command's help

Options:
${CONNECTION_USAGE}
${OUTPUT_USAGE}
  --allow-insecure-http     let keys create/rotate, secrets put and agents token use a plain
                            http:// endpoint other than loopback (anyone on the path reads the secret)
  NO_COLOR=1                no colour or progress line even at a terminal (piped output never has them)`;

const COMMAND_USAGE: Readonly<Record<string, string>> = {
  status: STATUS_USAGE,
  agents: AGENTS_USAGE,
  keys: KEYS_USAGE,
  logs: LOGS_USAGE,
  audit: AUDIT_USAGE,
  'cluster-policy': CLUSTER_SECURITY_USAGE,
  secrets: CLUSTER_SECURITY_USAGE,
  explain: EXPLAIN_USAGE,
  bootstrap: BOOTSTRAP_USAGE,
};

/** One command's own usage, or undefined for a command berth does not have. */
export function commandUsage(command: string | undefined): string | undefined {
  return command !== undefined && Object.hasOwn(COMMAND_USAGE, command) ? COMMAND_USAGE[command] : undefined;
}

/** The text `berth help [COMMAND]` prints: one command's help, or the summary. */
export function helpText(command: string | undefined): string {
  const own = commandUsage(command);
  return own === undefined ? USAGE : `${own}\n\nEvery command also takes the connection options (berth help).`;
}

/**
 * A usage error: one line naming the problem, then the command's own usage
 * (not the whole help, which buries the line that matters).
 */
export function usageErrorText(command: string | undefined, message: string): string {
  const own = commandUsage(command);
  return `berth: ${message}\n${own ?? 'Run `berth help` for the commands.'}\n`;
}
