#!/usr/bin/env bash
# make run: seed the demo campaign (idempotent), make sure a demo admin and
# reviewer exist, and start the server on 127.0.0.1:PORT in the foreground.
set -eu
bin=$1 db=$2 port=$3
"$bin" demo --db "$db"
pw_file="$(dirname "$db")/demo-password"
if [ ! -s "$pw_file" ]; then
  # a random password per installation, kept next to the database (mode 600)
  (umask 077; head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$pw_file")
  for who in admin reviewer; do
    "$bin" user add --db "$db" --email "$who@demo.gagas.id" --role "$who" < "$pw_file" >/dev/null
  done
fi
cat <<MSG

  gagas is starting on http://127.0.0.1:$port
    portal:   http://127.0.0.1:$port/c/demo
    console:  http://127.0.0.1:$port/console/login
    sign in:  admin@demo.gagas.id or reviewer@demo.gagas.id
    password: $(cat "$pw_file")   (stored in $pw_file)
  Ctrl-C stops it.

MSG
exec "$bin" serve --db "$db" --listen "127.0.0.1:$port"
