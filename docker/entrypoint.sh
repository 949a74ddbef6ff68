#!/bin/sh
# The image's commands: web (the default: gunicorn), worker, migrate, or any other `flask --app wsgi` command
# (`docker compose run --rm web users create ...`). Each replaces this shell (exec), so it receives docker's
# SIGTERM itself and stops gracefully. A shell: `docker compose run --rm --entrypoint sh web`.
set -eu

# The checkout's root: wsgi.py, gunicorn.conf.py and the app's static/, translations/ and migrations/.
cd "$(dirname "$0")/.."

command="${1:-web}"
if [ "$#" -gt 0 ]; then shift; fi

case "$command" in
    # Several workers share their metrics through files in this folder (emptied as gunicorn starts).
    web) export PROMETHEUS_MULTIPROC_DIR="${PROMETHEUS_MULTIPROC_DIR:-/tmp/coalition-metrics}"
         exec gunicorn --config gunicorn.conf.py "$@" wsgi:app ;;
    worker) exec flask --app wsgi worker "$@" ;;
    migrate) exec flask --app wsgi db upgrade "$@" ;;
    *) exec flask --app wsgi "$command" "$@" ;;
esac
