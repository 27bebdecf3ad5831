# shellcheck shell=bash
# CPU time of processes from /proc, in clock ticks, for bench/run and
# bench/ab (sourced).

# utime+stime of a process and of its reaped children, in clock ticks.
ticks_of()
{
	local stat rest

	stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
	rest=${stat##*) }
	# After "pid (comm) ": state is field 3; utime 14, stime 15, cutime 16, cstime 17.
	# shellcheck disable=SC2086
	set -- $rest
	echo $((${12} + ${13} + ${14} + ${15}))
}

# Ticks of a process and of its live children (reaped ones are in cutime).
ticks_tree()
{
	local pid=$1 total c

	[ -n "$pid" ] || { echo 0; return; }
	total=$(ticks_of "$pid")
	for c in $(ps -o pid= --ppid "$pid" 2>/dev/null); do
		total=$((total + $(ticks_of "$c")))
	done
	echo "$total"
}
