#!/usr/bin/env bash
# Runs Talentflyt's browser end-to-end tests against a fresh database:
#   1. starts the test OpenID Connect provider (oidc-provider.mjs),
#   2. creates a small demo database and two staff users,
#   3. starts `talentflyt serve` and waits for /readyz,
#   4. runs `npx playwright test` (extra arguments are passed on),
# and always stops what it started and removes its temp dir. Exits with the tests' result.
#
# Environment:
#   TALENTFLYT_BIN   the app binary (default ../target/debug/talentflyt relative to e2e/)
#   E2E_APP_PORT     port for the app (default 8181)
#   OIDC_PORT        port for the OIDC provider (default 9400)
#   CHROMIUM_PATH    browser binary (default /usr/bin/chromium; installed with apt-get if missing)
#   E2E_KEEP_TMP=1   keep the temp dir (database, logs, outbox) for inspection
#
# The tests get E2E_BASE_URL, E2E_OIDC_ISSUER, E2E_OUTBOX_DIR, E2E_HR_USERNAME/PASSWORD,
# DATABASE_URL and E2E_BIN (to run `talentflyt close-postings` against the same database), and
# E2E_EMPLOYEE_NUMBER (a demo employee without a preferential right), and E2E_ASSESSOR_USERNAME
# (a second staff user, a manager over the trust, with the HR password).
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# A relative TALENTFLYT_BIN is taken relative to the directory run.sh was started from.
BIN="${TALENTFLYT_BIN:-$HERE/../target/debug/talentflyt}"
case "$BIN" in /*) ;; *) BIN="$(cd "$(dirname "$BIN")" 2>/dev/null && pwd)/$(basename "$BIN")" ;; esac
cd "$HERE"
APP_PORT="${E2E_APP_PORT:-8181}"
OIDC_PORT="${OIDC_PORT:-9400}"
APP_URL="http://127.0.0.1:${APP_PORT}"
OIDC_ISSUER="http://127.0.0.1:${OIDC_PORT}"
export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"

# `talentflyt demo` creates its own staff users (among them "hr"), so the suite's users
# get names of their own.
HR_USERNAME="${E2E_HR_USERNAME:-e2e-hr}"
HR_PASSWORD='E2e-passord-123'

log() { printf '[e2e] %s\n' "$*" >&2; }

TMP=""
OIDC_PID=""
APP_PID=""

stop_pid() {
  local pid="$1"
  [ -n "$pid" ] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_pid "$APP_PID"
  stop_pid "$OIDC_PID"
  if [ -n "$TMP" ] && [ -d "$TMP" ]; then
    if [ "${E2E_KEEP_TMP:-0}" = "1" ]; then
      log "kept $TMP"
    else
      rm -rf "$TMP"
    fi
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
  log "ERROR: $*"
  exit 1
}

show_logs() {
  local f
  for f in "$TMP/oidc.log" "$TMP/app.log"; do
    if [ -s "$f" ]; then
      log "---- last lines of $(basename "$f") ----"
      tail -n 60 "$f" >&2
    fi
  done
}

# Saves the logs next to the Playwright results (git-ignored) so a failure can be looked at.
save_logs() {
  mkdir -p "$HERE/test-results"
  cp -f "$TMP"/*.log "$HERE/test-results/" 2>/dev/null || true
  if [ -d "$TMP/outbox" ]; then
    rm -rf "$HERE/test-results/outbox"
    cp -r "$TMP/outbox" "$HERE/test-results/outbox" 2>/dev/null || true
  fi
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_http() { # url seconds pid
  local url="$1" secs="$2" pid="$3" i
  for i in $(seq 1 $((secs * 5))); do
    if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then return 0; fi
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then return 2; fi
    sleep 0.2
  done
  return 1
}

# ---- prerequisites ------------------------------------------------------------------------
command -v node >/dev/null || fail "node is not installed"
command -v curl >/dev/null || fail "curl is not installed"
[ -x "$BIN" ] || fail "app binary not found: $BIN (build it with 'cargo build' or set TALENTFLYT_BIN)"

if [ ! -x "$CHROMIUM_PATH" ]; then
  if [ "$CHROMIUM_PATH" = /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing Debian's chromium"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >&2 \
      || fail "could not install chromium"
  else
    fail "no browser at $CHROMIUM_PATH (apt-get install chromium, or set CHROMIUM_PATH)"
  fi
fi

if [ ! -f node_modules/@playwright/test/package.json ] || [ ! -f node_modules/oidc-provider/package.json ] \
   || [ ! -f node_modules/@axe-core/playwright/package.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "npm ci"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund >&2 || fail "npm ci failed"
fi

port_busy "$APP_PORT" && fail "port $APP_PORT is already in use (set E2E_APP_PORT)"
port_busy "$OIDC_PORT" && fail "port $OIDC_PORT is already in use (set OIDC_PORT)"

TMP="$(mktemp -d "${TMPDIR:-/tmp}/talentflyt-e2e.XXXXXX")"
mkdir -p "$TMP/outbox"
log "temp dir $TMP"

# ---- the OpenID Connect provider -----------------------------------------------------------
OIDC_PORT="$OIDC_PORT" OIDC_ISSUER="$OIDC_ISSUER" \
  OIDC_REDIRECT_URIS="${APP_URL}/auth/oidc/callback" \
  node "$HERE/oidc-provider.mjs" >"$TMP/oidc.log" 2>&1 &
OIDC_PID=$!
if ! wait_http "$OIDC_ISSUER/.well-known/openid-configuration" 20 "$OIDC_PID"; then
  show_logs
  fail "the OIDC provider did not come up"
fi
log "OIDC provider up at $OIDC_ISSUER"

# ---- the database ---------------------------------------------------------------------------
export DATABASE_URL="sqlite://$TMP/e2e.db"
log "creating demo data"
"$BIN" demo --scale 0.01 --no-serve >"$TMP/demo.log" 2>&1 || { cat "$TMP/demo.log" >&2; fail "talentflyt demo failed"; }
tail -n 20 "$TMP/demo.log" >&2
"$BIN" user create --username "$HR_USERNAME" --password "$HR_PASSWORD" --name 'Hanne HR' \
  --email "$HR_USERNAME@ous.example" --role hr_admin --unit OUS >"$TMP/users.log" 2>&1 \
  || { cat "$TMP/users.log" >&2; fail "could not create user $HR_USERNAME"; }
"$BIN" user create --username kari --email kari@ous.example --name 'Kari Leder' \
  --role manager --unit OUS >>"$TMP/users.log" 2>&1 \
  || { cat "$TMP/users.log" >&2; fail "could not create user kari"; }
# A second assessor with a password, for the scorecards (R8): a manager over the whole trust.
"$BIN" user create --username e2e-leder --password "$HR_PASSWORD" --name 'Lars Leder' \
  --email e2e-leder@ous.example --role manager --unit OUS >>"$TMP/users.log" 2>&1 \
  || { cat "$TMP/users.log" >&2; fail "could not create user e2e-leder"; }

# A demo employee who holds no preferential right, for the spec that registers one by hand.
EMPLOYEE_SQL="SELECT employee_number FROM employees WHERE id NOT IN (SELECT employee_id FROM preference_rights) ORDER BY id LIMIT 1"
EMPLOYEE_NUMBER=""
if command -v python3 >/dev/null; then
  EMPLOYEE_NUMBER="$(python3 -c 'import sqlite3, sys
row = sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()
print(row[0] if row else "")' "$TMP/e2e.db" "$EMPLOYEE_SQL" 2>>"$TMP/users.log")"
elif command -v sqlite3 >/dev/null; then
  EMPLOYEE_NUMBER="$(sqlite3 "$TMP/e2e.db" "$EMPLOYEE_SQL" 2>>"$TMP/users.log")"
fi
[ -n "$EMPLOYEE_NUMBER" ] || fail "could not read a demo employee number from $TMP/e2e.db (needs python3 or sqlite3)"
log "demo employee for the preferential-rights register: $EMPLOYEE_NUMBER"

# ---- the app --------------------------------------------------------------------------------
TALENTFLYT_BASE_URL="$APP_URL" \
  TALENTFLYT_OUTBOX_DIR="$TMP/outbox" \
  TALENTFLYT_OIDC_ISSUER="$OIDC_ISSUER" \
  TALENTFLYT_OIDC_CLIENT_ID=talentflyt \
  TALENTFLYT_OIDC_CLIENT_SECRET=talentflyt-secret \
  "$BIN" serve --bind "127.0.0.1:${APP_PORT}" >"$TMP/app.log" 2>&1 &
APP_PID=$!
wait_http "$APP_URL/readyz" 60 "$APP_PID"
case $? in
  0) log "app up at $APP_URL" ;;
  2) show_logs; fail "the app exited before it was ready" ;;
  *) show_logs; fail "the app did not answer 200 on /readyz within 60 s" ;;
esac

# ---- the tests ------------------------------------------------------------------------------
E2E_BASE_URL="$APP_URL" \
  E2E_OIDC_ISSUER="$OIDC_ISSUER" \
  E2E_OUTBOX_DIR="$TMP/outbox" \
  E2E_HR_USERNAME="$HR_USERNAME" \
  E2E_HR_PASSWORD="$HR_PASSWORD" \
  E2E_ASSESSOR_USERNAME=e2e-leder \
  E2E_JSON_REPORT="$TMP/report.json" \
  E2E_BIN="$BIN" \
  E2E_EMPLOYEE_NUMBER="$EMPLOYEE_NUMBER" \
  npx --no-install playwright test "$@"
rc=$?

# A plain summary line for CI logs.
if [ -s "$TMP/report.json" ]; then
  node -e '
    const r = require(process.argv[1]).stats || {};
    const failed = (r.unexpected || 0) + (r.flaky || 0);
    console.log(`e2e: ${r.expected || 0} passed, ${failed} failed` + (r.skipped ? `, ${r.skipped} skipped` : ""));
  ' "$TMP/report.json" || true
fi

if [ "$rc" -ne 0 ]; then
  show_logs
  save_logs
  log "logs and outbox copied to e2e/test-results/"
fi
exit "$rc"
