/**
 * Which kernel namespace a sysctl belongs to, as the engine sees it. Only
 * namespaced sysctls change a container alone; any other one would change
 * the host, so the engine refuses it and Berth refuses it first.
 */
export type SysctlNamespace = 'ipc' | 'net';

const IPC_SYSCTLS = new Set([
  'kernel.msgmax',
  'kernel.msgmnb',
  'kernel.msgmni',
  'kernel.sem',
  'kernel.shmall',
  'kernel.shmmax',
  'kernel.shmmni',
  'kernel.shm_rmid_forced',
]);

export function sysctlNamespace(name: string): SysctlNamespace | undefined {
  if (IPC_SYSCTLS.has(name) || name.startsWith('fs.mqueue.')) return 'ipc';
  if (name.startsWith('net.')) return 'net';
  return undefined;
}

/**
 * Security options ECS passes to the engine: `no-new-privileges`,
 * `apparmor:PROFILE`, `label:VALUE`, `seccomp:PROFILE` (`=` as the engine
 * also takes it). Undefined when the option is none of these.
 */
export function securityOptionKind(option: string): 'no-new-privileges' | 'apparmor' | 'label' | 'seccomp' | undefined {
  if (option === 'no-new-privileges' || option === 'no-new-privileges:true') return 'no-new-privileges';
  const match = /^(apparmor|label|seccomp)[:=](.+)$/.exec(option);
  return match ? (match[1] as 'apparmor' | 'label' | 'seccomp') : undefined;
}

/** `apparmor:unconfined`, `seccomp=unconfined`, `label:disable`: options that lift a confinement. */
export function liftsConfinement(option: string): boolean {
  const match = /^(apparmor|label|seccomp)[:=](.+)$/.exec(option);
  if (!match) return false;
  const value = match[2] ?? '';
  return value === 'unconfined' || (match[1] === 'label' && value === 'disable');
}
