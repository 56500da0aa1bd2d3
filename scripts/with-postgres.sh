#!/usr/bin/env bash
# Runs a command with WARDEN_POSTGRES_URL pointing at a PostgreSQL server: the one already named by
# WARDEN_POSTGRES_URL, or a throwaway cluster made here (initdb into a temporary directory, listening only on a Unix
# socket in it) and removed when the command ends, however it ends. `make test` runs the tests under it.
set -euo pipefail

if [ -n "${WARDEN_POSTGRES_URL:-}" ]; then
	exec "$@"
fi

bin=""
for candidate in /usr/lib/postgresql/*/bin; do
	[ -x "$candidate/initdb" ] && bin="$candidate"
done
if [ -z "$bin" ]; then
	echo "with-postgres: PostgreSQL's initdb not found (Debian package 'postgresql'; 'make deps' installs it)" >&2
	exit 1
fi

dir="$(mktemp -d /tmp/warden-postgres.XXXXXX)"
# initdb and postgres refuse to run as root: run them as the 'postgres' user Debian's package creates.
as_owner=()
if [ "$(id -u)" = "0" ]; then
	chown postgres: "$dir"
	as_owner=(runuser -u postgres --)
fi
port=54329
stop() {
	"${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
	rm -rf "$dir"
}
trap stop EXIT

"${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U warden -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
	|| { cat "$dir/initdb.log" >&2; exit 1; }
# Fast and throwaway: no TCP, no fsync (a test cluster is deleted at the end; durability is PostgreSQL's own).
"${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
	-o "-c listen_addresses='' -k $dir -p $port -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
	start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
echo "with-postgres: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on $dir/.s.PGSQL.$port (removed at exit)"

export WARDEN_POSTGRES_URL="postgres://warden@localhost:$port/postgres?host=$dir"
"$@"
