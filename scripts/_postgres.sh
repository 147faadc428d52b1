# Sourced: start_throwaway_postgres / stop_throwaway_postgres.
# PostgreSQL refuses to run as root: as root the cluster belongs to the `postgres` user.

find_pg_bin() {
  # Never fails (set -e, pipefail): prints nothing when PostgreSQL is not installed.
  { ls -d /usr/lib/postgresql/*/bin 2>/dev/null || true; } | sort -V | tail -n 1
}

start_throwaway_postgres() {
  PG_BIN="$(find_pg_bin)"
  if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
    echo "installing PostgreSQL (apt-get) ..." >&2
    if [ "$(id -u)" -ne 0 ]; then
      echo "PostgreSQL is not installed and this is not root: install it, or set CASEWORK_TEST_POSTGRES_URL" >&2
      exit 1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    PG_BIN="$(find_pg_bin)"
    if [ -z "$PG_BIN" ]; then
      echo "PostgreSQL was installed but no server binaries were found under /usr/lib/postgresql" >&2
      exit 1
    fi
  fi
  PG_DIR="$(mktemp -d /tmp/casework-pg.XXXXXX)"
  PG_PORT="${CASEWORK_TEST_PG_PORT:-$((20000 + RANDOM % 20000))}"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$PG_DIR"
    AS_PG=(runuser -u postgres --)
    PG_USER=postgres
  else
    AS_PG=()
    PG_USER="$(id -un)"
  fi
  "${AS_PG[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U "$PG_USER" --auth=trust -E UTF8 >/dev/null
  "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
      -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100" start >/dev/null
  export CASEWORK_TEST_POSTGRES_URL="postgresql+psycopg://$PG_USER@127.0.0.1:$PG_PORT/postgres"
  echo "throwaway PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on port $PG_PORT" >&2
}

stop_throwaway_postgres() {
  if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ]; then
    "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
}
