/**
 * True for a URL host name that can only mean this machine: localhost (and
 * *.localhost), 127.0.0.0/8, ::1. Plain HTTP to such a host never leaves
 * the machine, so the `berth` CLI and `berth-agent` allow it without
 * --allow-insecure-http. Takes `new URL(...).hostname`, which has already
 * normalised IPv4 and IPv6 spellings (e.g. [0:0::1] becomes [::1]).
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) return true;
  return host === '::1';
}
