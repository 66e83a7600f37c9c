/**
 * The EC2 user data of a Berth host, a bash script with placeholders
 * (names between double @ signs) that renderUserData (./host-user-data.ts)
 * fills in. It lives in a module rather than a .sh file so that the monitor's
 * bundle carries it: capacity providers launch hosts with it. The CDK docs
 * and operators render the same text (infra/agent-install/user-data.ts).
 */
export const HOST_USER_DATA_TEMPLATE = `#!/bin/bash
# EC2 user data for a Berth host: installs Docker, Node.js and berth-agent,
# fetches a registration token that the instance role may read, and starts
# the agent as the systemd service berth-agent. A template: its placeholders
# (names between double @ signs) are filled by renderUserData
# (shared/domain/host-user-data.ts).
# Supports dnf (Amazon Linux 2023) and apt (Debian, Ubuntu) hosts.
set -euo pipefail
exec > >(tee -a /var/log/berth-agent-user-data.log) 2>&1

ENDPOINT='@@ENDPOINT@@'
CLUSTER='@@CLUSTER@@'
# ssm (a SecureString parameter), secretsmanager (a secret's SecretString), or
# inline (TOKEN_NAME is the token itself: short-lived and bounded in uses, as
# the monitor issues them for the hosts a capacity provider launches).
TOKEN_SOURCE='@@TOKEN_SOURCE@@'
TOKEN_NAME='@@TOKEN_NAME@@'
REGION='@@REGION@@'
# A tar.gz of one folder holding install.sh, berth-agent.service and berth-agent.mjs.
AGENT_RELEASE_URL='@@AGENT_RELEASE_URL@@'
NODE_VERSION='@@NODE_VERSION@@'

install_packages() {
  if command -v dnf >/dev/null; then
    dnf install -y docker awscli tar xz
  else
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q docker.io awscli curl xz-utils ca-certificates
  fi
  systemctl enable --now docker
}

install_node() {
  if command -v node >/dev/null && [ "$(node -p 'process.versions.node.split(".")[0]')" -ge 22 ]; then
    return
  fi
  local arch
  case "$(uname -m)" in x86_64) arch=x64 ;; aarch64) arch=arm64 ;; *) echo "unsupported CPU $(uname -m)" >&2; exit 1 ;; esac
  mkdir -p /opt/node
  curl -fsSL "https://nodejs.org/dist/v\${NODE_VERSION}/node-v\${NODE_VERSION}-linux-\${arch}.tar.xz" |
    tar -xJ -C /opt/node --strip-components=1
  ln -sf /opt/node/bin/node /usr/local/bin/node
}

fetch_token() {
  case "$TOKEN_SOURCE" in
    ssm)
      aws ssm get-parameter --region "$REGION" --name "$TOKEN_NAME" --with-decryption \\
        --query Parameter.Value --output text
      ;;
    secretsmanager)
      aws secretsmanager get-secret-value --region "$REGION" --secret-id "$TOKEN_NAME" \\
        --query SecretString --output text
      ;;
    inline) printf '%s\\n' "$TOKEN_NAME" ;;
    *) echo "unknown token source: $TOKEN_SOURCE" >&2; exit 1 ;;
  esac
}

install_packages
install_node

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
curl -fsSL "$AGENT_RELEASE_URL" | tar -xz -C "$work" --strip-components=1
(umask 077 && fetch_token >"$work/token")
# A control plane in AWS keeps no logs: the agent writes awslogs containers' output to CloudWatch Logs.
sh "$work/install.sh" --endpoint "$ENDPOINT" --cluster "$CLUSTER" --token-file "$work/token" \\
  --node "$(command -v node)" --awslogs cloudwatch
`;
