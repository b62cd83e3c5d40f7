#!/usr/bin/env bash
# run-issue3.sh - every issue-3 benchmark (distribution distances against
# their Python anchors), then one summary.  See bench/README.md, section
# "Distribution distances", for what each one measures.
#
#   bench/issue3/run-issue3.sh                 the full runs (~10 minutes)
#   QUICK=1 bench/issue3/run-issue3.sh         small sizes, to check all works
#   bench/issue3/run-issue3.sh fid-stats w1    some of them (any distbench.py
#                                              arguments)
#
# Run it from a built tree (make evald), on an otherwise idle machine.
# Exit status: 0 all targets met, 3 some target missed, 1 could not run.
set -u
here=$(cd "$(dirname "$0")" && pwd)
py=${ANCHOR_PYTHON:-/usr/bin/python3}

[ -x "$py" ] || {
	echo "run-issue3.sh: no $py; apt-get install python3" >&2
	exit 1
}
"$py" -c 'import numpy, scipy, ot' 2>/dev/null || {
	echo "run-issue3.sh: the anchors need Debian's numpy, scipy and POT:" \
		"apt-get install python3-numpy python3-scipy python3-pot" \
		"python3-threadpoolctl" >&2
	exit 1
}
command -v curl >/dev/null || {
	echo "run-issue3.sh: curl is not installed; apt-get install curl" >&2
	exit 1
}
quick=()
[ "${QUICK:-0}" = 1 ] && quick=(--quick)
exec "$py" "$here/distbench.py" "${quick[@]}" "$@"
