#!/usr/bin/env bash
# Runs before `npm test` (npm's pretest): makes sure what the tests need beyond Node.js is here, or stops at once
# with one line naming what is missing and how to get it. Never a tool missing in the middle of the run.
#   RabbitMQ on AMQP_URL's host and port (default 127.0.0.1:5672): the tests use the real broker.
#   Its management API with the shovel plugins (BROKER_API_URL, default http://127.0.0.1:15672): the edge tests;
#   enabled here with rabbitmq-plugins when the broker runs on this machine.
#   promtool, prometheus (Debian package prometheus): alert rule tests, the Prometheus end-to-end test.
#   docker-compose (Debian package docker-compose): the compose file check (needs no Docker engine).
#   chromium (Debian package chromium): the browser tests, driven by playwright-core (which never downloads one).
# It also bundles the browser pages (scripts/build-ui.mjs), as `npm ci` and `npm start` do.
# Missing Debian packages are installed when this runs as root with apt-get; otherwise it says what to install.
set -euo pipefail

url="${AMQP_URL:-amqp://guest:guest@127.0.0.1:5672}"
hostport="${url#*://}"; hostport="${hostport#*@}"; hostport="${hostport%%/*}"
host="${hostport%%:*}"; port="${hostport##*:}"; [ "$port" = "$host" ] && port=5672
if ! (exec 3<>"/dev/tcp/${host}/${port}") 2>/dev/null; then
  echo "npm test: RabbitMQ does not answer on ${host}:${port}; start it with \`rabbitmq-server -detached\` (or set AMQP_URL)" >&2
  exit 1
fi

# The edge tests declare shovels and read their state through the management API (plugins shipped with RabbitMQ).
api="${BROKER_API_URL:-http://127.0.0.1:15672}"
shovel_api_answers() {
  node -e "fetch('${api}/api/shovels', { headers: { authorization: 'Basic ' + Buffer.from('guest:guest').toString('base64') } }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
}
if ! shovel_api_answers; then
  if command -v rabbitmq-plugins >/dev/null 2>&1; then
    echo "npm test: enabling RabbitMQ's rabbitmq_management, rabbitmq_shovel and rabbitmq_shovel_management plugins"
    rabbitmq-plugins enable rabbitmq_management rabbitmq_shovel rabbitmq_shovel_management >/dev/null
    for _ in $(seq 1 60); do shovel_api_answers && break; sleep 1; done
  fi
  if ! shovel_api_answers; then
    echo "npm test: RabbitMQ's management API with shovels does not answer at ${api}; enable the plugins with \`rabbitmq-plugins enable rabbitmq_management rabbitmq_shovel rabbitmq_shovel_management\` (or set BROKER_API_URL)" >&2
    exit 1
  fi
fi

node "$(dirname "$0")/build-ui.mjs"

declare -A package_of=([promtool]=prometheus [prometheus]=prometheus [docker-compose]=docker-compose [chromium]=chromium)
missing_packages=()
missing_tools=()
for tool in promtool prometheus docker-compose chromium; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    missing_tools+=("$tool")
    [[ " ${missing_packages[*]-} " == *" ${package_of[$tool]} "* ]] || missing_packages+=("${package_of[$tool]}")
  fi
done
[ ${#missing_tools[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "npm test: installing ${missing_packages[*]} (for ${missing_tools[*]})"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing_packages[@]}" >/dev/null
  for tool in "${missing_tools[@]}"; do
    command -v "$tool" >/dev/null 2>&1 || { echo "npm test: $tool is still missing after installing ${package_of[$tool]}" >&2; exit 1; }
  done
  exit 0
fi
echo "npm test: missing ${missing_tools[*]}; install them with: sudo apt-get install -y ${missing_packages[*]}" >&2
exit 1
