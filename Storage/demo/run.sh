#!/bin/sh
# Demo: a fresh database, a realistic autumn of applications, and the deadline board.
# Called by `make demo` with BIN (the program), DB (a scratch database) and AS_OF (the board date).
set -eu
: "${BIN:?}" "${DB:?}" "${AS_OF:?}"
here=$(dirname "$0")
d() { "$BIN" --db "$DB" "$@"; }

d init --agency "示范市人民政府办公室" --code DEMO-GOV
export DISCLOSURE_ACTOR="王科员"
grep -v '^#' "$here/applications.tsv" | while IFS='	' read -r received channel applicant type request contact; do
    d register --received "$received" --channel "$channel" --applicant "$applicant" --applicant-type "$type" \
        --request "$request" --contact "$contact" --as-of "$AS_OF" >/dev/null
done
echo
d due --as-of "$AS_OF"
