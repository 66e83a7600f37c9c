import type { AgentLogger } from '../log.ts';

/**
 * Keeps task containers away from the instance metadata service (IMDS,
 * 169.254.169.254), which hands out the host's cloud credentials to whoever
 * asks from the host's network. Containers on a Docker bridge reach it
 * through the host's FORWARD chain (IMDS is off-host, one hop away), so the
 * agent puts one DROP rule at the top of DOCKER-USER, the chain Docker
 * keeps for its users' rules and jumps to before its own. The rule carries
 * a comment so it is found again: installing twice is a no-op, and an agent
 * whose policy allows IMDS removes it.
 *
 * Not covered: containers with host networking (they are the host; the
 * metadata service's hop limit of 1 and IMDSv2 are the defence there), and
 * an on-host metadata proxy (reached through INPUT, not FORWARD).
 */
export const IMDS_DESTINATION = '169.254.169.254/32';
export const IMDS_RULE_COMMENT = 'berth-agent: task containers may not reach the instance metadata service';
export const IMDS_CHAIN = 'DOCKER-USER';
const rule = (comment: string) => ['-d', IMDS_DESTINATION, '-m', 'comment', '--comment', comment, '-j', 'DROP'];
/** Waits this long for the xtables lock Docker also takes. */
const LOCK_WAIT = ['-w', '5'] as const;

export interface CommandResult {
  /** The exit code; undefined when the command could not be run at all (not installed). */
  readonly code: number | undefined;
  readonly stderr: string;
}
export type CommandRunner = (command: string, args: readonly string[]) => Promise<CommandResult>;

export type ImdsRuleOutcome =
  | { readonly kind: 'installed' | 'present' | 'removed' | 'absent' }
  | { readonly kind: 'skipped'; readonly reason: string };

export interface ImdsPolicyOptions {
  /** The cluster's policy lets tasks reach IMDS (`--allow-task-imds`). */
  readonly allow: boolean;
  /** The engine's address: the rule only helps when its containers run on this host. */
  readonly dockerHost: string | undefined;
  readonly isRoot: boolean;
  readonly run?: CommandRunner;
  /** The comment that tags the rule; tests use their own, so they never touch a running agent's rule. */
  readonly comment?: string;
}

/** Installs the rule, or removes it when the policy allows IMDS; idempotent either way. */
export async function applyImdsPolicy(options: ImdsPolicyOptions): Promise<ImdsRuleOutcome> {
  if (!engineIsLocal(options.dockerHost)) {
    return { kind: 'skipped', reason: `the engine at ${options.dockerHost} is on another host; block IMDS there` };
  }
  if (!options.isRoot)
    return { kind: 'skipped', reason: 'the agent is not running as root, so it cannot change iptables' };
  const run = options.run ?? runCommand;
  const chain = await iptables(run, ['-S', IMDS_CHAIN]);
  if (chain.code === undefined) return { kind: 'skipped', reason: 'iptables is not installed' };
  if (chain.code !== 0) {
    return {
      kind: 'skipped',
      reason: `there is no ${IMDS_CHAIN} chain (${firstLine(chain.stderr)}); is Docker managing iptables?`,
    };
  }
  const tagged = rule(options.comment ?? IMDS_RULE_COMMENT);
  return options.allow ? removeRule(run, tagged) : installRule(run, tagged);
}

async function installRule(run: CommandRunner, tagged: readonly string[]): Promise<ImdsRuleOutcome> {
  if ((await iptables(run, ['-C', IMDS_CHAIN, ...tagged])).code === 0) return { kind: 'present' };
  const inserted = await iptables(run, ['-I', IMDS_CHAIN, '1', ...tagged]);
  if (inserted.code !== 0)
    return { kind: 'skipped', reason: `iptables refused the rule: ${firstLine(inserted.stderr)}` };
  return { kind: 'installed' };
}

async function removeRule(run: CommandRunner, tagged: readonly string[]): Promise<ImdsRuleOutcome> {
  let removed = false;
  // -D removes one copy; an older agent or a hand-made copy may have left more.
  for (let copies = 0; copies < 16; copies++) {
    if ((await iptables(run, ['-C', IMDS_CHAIN, ...tagged])).code !== 0) break;
    const deleted = await iptables(run, ['-D', IMDS_CHAIN, ...tagged]);
    if (deleted.code !== 0)
      return { kind: 'skipped', reason: `iptables refused to remove the rule: ${firstLine(deleted.stderr)}` };
    removed = true;
  }
  return { kind: removed ? 'removed' : 'absent' };
}

function iptables(run: CommandRunner, args: readonly string[]): Promise<CommandResult> {
  return run('iptables', [...LOCK_WAIT, '-t', 'filter', ...args]);
}

/** A unix socket, or TCP on loopback, is this host's engine. */
export function engineIsLocal(dockerHost: string | undefined): boolean {
  if (dockerHost === undefined || dockerHost === '' || dockerHost.startsWith('unix://')) return true;
  try {
    const host = new URL(dockerHost).hostname;
    return host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
  } catch {
    return false;
  }
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}

// node:child_process is taken when a rule is first applied, not imported:
// most agents never run a command, and every import is loaded at start.
export const runCommand: CommandRunner = (command, args) =>
  new Promise((resolve) => {
    process
      .getBuiltinModule('node:child_process')
      .execFile(command, [...args], { timeout: 15_000 }, (error, _stdout, stderr) => {
        if (error && 'code' in error && error.code === 'ENOENT')
          return resolve({ code: undefined, stderr: String(stderr) });
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stderr: String(stderr) });
      });
  });

/**
 * The agent's side of the policy: the rule is applied at start (blocked,
 * unless `--allow-task-imds`), then follows the cluster's policy
 * (`allowTaskMetadataAccess`) as task specs bring it. An agent serves one
 * cluster, so a host-wide rule is that cluster's rule. Changes are applied
 * one at a time and logged once each.
 */
export type MetadataGuardOptions = Omit<ImdsPolicyOptions, 'allow' | 'isRoot'> & {
  /** `--allow-task-imds`: allowed whatever the cluster's policy says. */
  readonly forceAllow: boolean;
  readonly logger: AgentLogger;
};

export class MetadataServiceGuard {
  private readonly options: MetadataGuardOptions;
  private applied: boolean | undefined;
  private queue: Promise<void> = Promise.resolve();

  constructor(options: MetadataGuardOptions) {
    this.options = options;
  }

  start(): Promise<void> {
    return this.apply(this.options.forceAllow);
  }

  /** The cluster's policy as a task spec carried it; undefined (an older control plane) changes nothing. */
  follow(policyAllows: boolean | undefined): Promise<void> {
    if (policyAllows === undefined) return this.queue;
    return this.apply(this.options.forceAllow || policyAllows);
  }

  private apply(allow: boolean): Promise<void> {
    this.queue = this.queue.then(async () => {
      if (this.applied === allow) return;
      this.applied = allow;
      const outcome = await applyImdsPolicy({ ...this.options, allow, isRoot: process.getuid?.() === 0 });
      this.report(allow, outcome);
    });
    return this.queue;
  }

  private report(allow: boolean, outcome: ImdsRuleOutcome): void {
    const { logger } = this.options;
    const where = { chain: IMDS_CHAIN, destination: IMDS_DESTINATION, rule: outcome.kind };
    if (outcome.kind === 'skipped') {
      logger.warn(
        allow ? 'Could not lift the metadata-service block' : 'Task containers can reach the instance metadata service',
        {
          reason: outcome.reason,
        },
      );
    } else if (allow) {
      logger.warn('Task containers may reach the instance metadata service, as the policy allows', where);
    } else {
      logger.info('Task containers are blocked from the instance metadata service', where);
    }
  }
}
