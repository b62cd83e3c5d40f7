#!/usr/bin/env bash
# run.sh - every distribution-distance benchmark (evald's distances against
# their Python anchors), then one summary.  See bench/README.md, section
# "Distribution distances", for what each one measures.
#
#   bench/distances/run.sh                 the full runs (~10 minutes)
#   QUICK=1 bench/distances/run.sh         small sizes, to check all works
#   bench/distances/run.sh fid-stats w1    some of them (any distbench.py
#                                              arguments)
#
# Run it from a built tree (make evald), on an otherwise idle machine.
# Exit status: 0 all targets met, 3 some target missed, 1 could not run.
set -u
here=$(cd "$(dirname "$0")" && pwd)
py=${ANCHOR_PYTHON:-/usr/bin/python3}

[ -x "$py" ] || {
	echo "distances/run.sh: no $py; apt-get install python3" >&2
	exit 1
}
"$py" -c 'import numpy, scipy, ot' 2>/dev/null || {
	echo "distances/run.sh: the anchors need Debian's numpy, scipy and POT:" \
		"apt-get install python3-numpy python3-scipy python3-pot" \
		"python3-threadpoolctl" >&2
	exit 1
}
command -v curl >/dev/null || {
	echo "distances/run.sh: curl is not installed; apt-get install curl" >&2
	exit 1
}
quick=()
[ "${QUICK:-0}" = 1 ] && quick=(--quick)
exec "$py" "$here/distbench.py" "${quick[@]}" "$@"
