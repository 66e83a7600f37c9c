#!/bin/sh
# Installs berth-agent on a Linux host as the systemd service berth-agent.
# Run from a release folder (install.sh, berth-agent.service and
# berth-agent.mjs side by side) or from a checkout after `npm run build:agent`:
#   sudo sh install.sh --endpoint https://berth.example.com --cluster NAME --token-file /root/token
# Running it again with a newer bundle upgrades in place: the state directory
# (the instance's identity) is kept and running containers are adopted by the
# restarted agent. See docs/agent.md, "Installing on a host".
set -eu

usage() {
  cat <<'USAGE'
Usage: install.sh --endpoint URL --cluster NAME [--token-file FILE] [options] [-- AGENT-FLAGS]

  --endpoint URL          the control plane
  --cluster NAME          the cluster to join
  --token-file FILE       registration token (berth agents token); needed until the first registration
  --ca-file FILE          PEM CA bundle for an https endpoint signed by a private CA
  --allow-insecure-http   allow a plain http:// endpoint that is not loopback
  --awslogs agent|cloudwatch|engine  who writes awslogs containers' output: cloudwatch (the agent, to
                          CloudWatch Logs with the host's credentials; for a control plane in AWS), engine
                          (the Docker awslogs driver, the same; untested) or agent (to Berth's own log store;
                          dev mode). Default: the agent's (agent)
  --bundle FILE           the agent bundle (default: berth-agent.mjs beside this script, or dist/agent/)
  --node FILE             the Node.js binary (default: node on PATH; version 22 or later)
  --prefix DIR            install under DIR instead of / (tests, images)
  --no-start              install only; do not start or restart the service
  --foreground            install, then run the agent in this process instead of through systemd
USAGE
}

fail() {
  printf 'install.sh: %s\n' "$*" >&2
  exit 1
}

endpoint='' cluster='' token_file='' ca_file='' insecure='' awslogs='' bundle='' node_bin='' prefix='' mode=service
while [ $# -gt 0 ]; do
  case "$1" in
    --endpoint) [ $# -ge 2 ] || fail "--endpoint needs a URL"; endpoint=$2; shift 2 ;;
    --cluster) [ $# -ge 2 ] || fail "--cluster needs a name"; cluster=$2; shift 2 ;;
    --token-file) [ $# -ge 2 ] || fail "--token-file needs a file"; token_file=$2; shift 2 ;;
    --ca-file) [ $# -ge 2 ] || fail "--ca-file needs a file"; ca_file=$2; shift 2 ;;
    --allow-insecure-http) insecure=yes; shift ;;
    --awslogs)
      [ $# -ge 2 ] || fail "--awslogs needs agent, cloudwatch or engine"
      case "$2" in agent | cloudwatch | engine) awslogs=$2 ;; *) fail "--awslogs must be agent, cloudwatch or engine: $2" ;; esac
      shift 2
      ;;
    --bundle) [ $# -ge 2 ] || fail "--bundle needs a file"; bundle=$2; shift 2 ;;
    --node) [ $# -ge 2 ] || fail "--node needs a file"; node_bin=$2; shift 2 ;;
    --prefix) [ $# -ge 2 ] || fail "--prefix needs a directory"; prefix=$2; shift 2 ;;
    --no-start) mode=none; shift ;;
    --foreground) mode=foreground; shift ;;
    -h | --help) usage; exit 0 ;;
    --) shift; break ;;
    *) usage >&2; fail "unknown argument: $1" ;;
  esac
done
[ -n "$endpoint" ] || { usage >&2; fail "missing --endpoint URL"; }
[ -n "$cluster" ] || { usage >&2; fail "missing --cluster NAME"; }
case "$endpoint" in http://* | https://*) ;; *) fail "--endpoint must be an http:// or https:// URL: $endpoint" ;; esac

here=$(cd "$(dirname "$0")" && pwd)
opt="$prefix/opt/berth-agent"
etc="$prefix/etc/berth-agent"
state="$prefix/var/lib/berth-agent"
unit="$prefix/etc/systemd/system/berth-agent.service"

# Node 22 or later. Nothing is downloaded: on a host without it, install
# Node from nodejs.org or the distribution first (docs/agent.md).
node_bin=${node_bin:-$(command -v node || true)}
if [ -z "$node_bin" ] || [ ! -x "$node_bin" ]; then
  fail "Node.js 22 or later is required and none was found; install it (https://nodejs.org) or pass --node FILE"
fi
node_major=$("$node_bin" -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 22 ] || fail "Node.js 22 or later is required; $node_bin is $("$node_bin" --version)"

if [ -z "$bundle" ]; then
  for candidate in "$here/berth-agent.mjs" "$here/../../dist/agent/berth-agent.mjs"; do
    [ -f "$candidate" ] && { bundle=$candidate; break; }
  done
fi
if [ -z "$bundle" ] || [ ! -f "$bundle" ]; then
  fail "no agent bundle found: run npm run build:agent, or pass --bundle FILE"
fi
[ -f "$here/berth-agent.service" ] || fail "berth-agent.service is missing beside $0"
[ -z "$ca_file" ] || [ -r "$ca_file" ] || fail "cannot read the CA file $ca_file"

registered=no
[ -s "$state/identity.json" ] && registered=yes
if [ "$registered" = no ]; then
  [ -n "$token_file" ] || fail "missing --token-file FILE: this host has not registered yet (berth agents token --cluster $cluster)"
  [ -s "$token_file" ] || fail "the token file $token_file is missing or empty"
fi

# Reach the control plane before writing anything: a wrong endpoint or CA, or
# plain HTTP off loopback (the agent's own rule, agent/config/endpoint-guard.ts),
# leaves the host as it was. Any HTTP answer will do; the agent checks the rest.
probe='
const [url, caFile, insecure] = process.argv.slice(1);
const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
const loopback = host === "localhost" || host === "::1" || /^127\./.test(host);
if (url.startsWith("http:") && !loopback && !insecure) {
  console.error("plain http:// to a host that is not loopback would send the token in clear text; use https:// or add --allow-insecure-http");
  process.exit(1);
}
const ca = caFile ? require("node:fs").readFileSync(caFile, "utf8") : undefined;
const lib = url.startsWith("https:") ? require("node:https") : require("node:http");
const request = lib.get(new URL("/agent/v1/", url), { ca, timeout: 10000 }, (answer) => { answer.resume(); process.exit(0); });
request.on("timeout", () => request.destroy(new Error("no answer within 10 s")));
request.on("error", (error) => { console.error(error.message); process.exit(1); });
'
why=$("$node_bin" -e "$probe" "$endpoint" "$ca_file" "$insecure" 2>&1) || fail "cannot reach the control plane at $endpoint: $why"

umask 077
mkdir -p "$opt" "$etc" "$state" "$(dirname "$unit")"
chmod 0700 "$state"
# A rename, so a running agent's file is never seen half-written.
cp "$bundle" "$opt/berth-agent.mjs.new"
chmod 0644 "$opt/berth-agent.mjs.new"
mv -f "$opt/berth-agent.mjs.new" "$opt/berth-agent.mjs"

json_string() { "$node_bin" -p 'JSON.stringify(process.argv[1])' "$1"; }
{
  printf '{\n  "endpoint": %s,\n  "cluster": %s,\n  "stateDir": %s' \
    "$(json_string "$endpoint")" "$(json_string "$cluster")" "$(json_string "$state")"
  if [ -n "$ca_file" ]; then
    cp "$ca_file" "$etc/ca.pem"
    printf ',\n  "caFile": %s' "$(json_string "$etc/ca.pem")"
  fi
  [ -z "$insecure" ] || printf ',\n  "allowInsecureHttp": true'
  [ -z "$awslogs" ] || printf ',\n  "awslogs": "%s"' "$awslogs"
  printf '\n}\n'
} >"$etc/agent.json.new"
mv -f "$etc/agent.json.new" "$etc/agent.json"

# The token is single-use: once the host has an identity it is never read
# again, so what is left of it is emptied (LoadCredential= needs the file).
if [ "$registered" = yes ]; then
  : >"$etc/registration-token"
else
  cp "$token_file" "$etc/registration-token"
fi
chmod 0600 "$etc/registration-token"

sed -e "s#@NODE@#$node_bin#g" -e "s#@PREFIX@#$opt#g" -e "s#@ETC@#$etc#g" \
  "$here/berth-agent.service" >"$unit.new"
chmod 0644 "$unit.new"
mv -f "$unit.new" "$unit"
printf 'install.sh: installed berth-agent in %s, its unit in %s\n' "$opt" "$unit"

forget_token_once_registered() {
  # Up to a minute for the first registration; the service goes on regardless.
  i=0
  while [ "$i" -lt 60 ] && [ ! -s "$state/identity.json" ]; do
    sleep 1
    i=$((i + 1))
  done
  if [ -s "$state/identity.json" ]; then
    : >"$etc/registration-token"
    printf 'install.sh: registered; the token file was emptied\n'
  else
    printf 'install.sh: not registered yet; see journalctl -u berth-agent\n' >&2
  fi
}

case "$mode" in
  none) ;;
  foreground)
    # The unit's Node flags and malloc setting (berth-agent.service).
    export MALLOC_TRIM_THRESHOLD_=131072
    exec "$node_bin" --lite-mode --max-semi-space-size=1 \
      "$opt/berth-agent.mjs" --config "$etc/agent.json" \
      --registration-token-file "$etc/registration-token" "$@"
    ;;
  service)
    [ -d /run/systemd/system ] || fail "systemd is not running on this host; installed only. Start the agent with --foreground, or use --no-start"
    systemctl daemon-reload
    systemctl enable berth-agent.service
    # restart, not start: an upgrade must load the new bundle. The agent
    # stops without stopping containers, and the new one adopts them.
    systemctl restart berth-agent.service
    forget_token_once_registered
    ;;
esac
