#!/usr/bin/env bash
# download_data: fetch this run's weekly drop(s) from the FTP server of connection `ftp_default`.
#
# This file is a Jinja template, rendered by Tradewind before it runs: host, port, login and
# password come from the connection (`tradewind connections add ftp_default ...`), never from
# this file. The password goes to curl in a private netrc file, not on its command line.
# A drop is named for the Sunday its week starts (2026-11-15.csv); the run takes the ones in
# its data interval [{{ data_interval_start.strftime('%Y-%m-%d') }}, {{ data_interval_end.strftime('%Y-%m-%d') }}).
set -euo pipefail

host='{{ conn.ftp_default.host }}'
port='{{ conn.ftp_default.port or 21 }}'
remote_dir='{{ conn.ftp_default.extra_dejson.get("path", "drops") }}'
raw_dir='{{ data_dir(dag.dag_id) }}/raw'
start='{{ data_interval_start.strftime('%Y-%m-%d') }}'
end='{{ data_interval_end.strftime('%Y-%m-%d') }}'

mkdir -p "$raw_dir"
netrc=$(mktemp)
trap 'rm -f "$netrc"' EXIT
chmod 600 "$netrc"
cat > "$netrc" <<'NETRC'
machine {{ conn.ftp_default.host }} login {{ conn.ftp_default.login }} password {{ conn.ftp_default.password }}
NETRC

url="ftp://$host:$port/$remote_dir/"
echo "Listing $url (drops for $start to $end)"
listing=$(curl -sS --fail --max-time 30 --netrc-file "$netrc" --list-only "$url")

fetched=()
count=0
for name in $listing; do
    name=${name%$'\r'}
    [[ $name =~ ^([0-9]{4}-[0-9]{2}-[0-9]{2})\.csv$ ]] || continue
    day=${BASH_REMATCH[1]}
    if [[ ! $day < $start && $day < $end ]]; then
        curl -sS --fail --max-time 60 --netrc-file "$netrc" -o "$raw_dir/$name.part" "$url$name"
        mv "$raw_dir/$name.part" "$raw_dir/$name"
        echo "Downloaded $name ($(wc -l < "$raw_dir/$name") lines) into $raw_dir"
        fetched+=("$name")
        count=$((count + 1))
    fi
done

if [[ $count -eq 0 ]]; then
    echo "No data drop for the week $start to $end on $url" >&2
    exit 1
fi
echo "${fetched[*]}"
