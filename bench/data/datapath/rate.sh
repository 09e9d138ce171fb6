#!/bin/bash
# rate.sh LAB CMD...: run CMD in the lab; print the send rate on lab0 while it sent (kpps), from tx_packets sampled every 50 ms
L=$1; shift
RS=${RESCAN:-rescan}
SNS=$($RS lab env --name $L scanner_netns)
f=/dev/shm/rate.$$
ip netns exec $SNS bash -c 'while :; do read -r n < /sys/class/net/lab0/statistics/tx_packets; echo "$EPOCHREALTIME $n"; sleep 0.05; done' > $f &
poll=$!
TZ=:/etc/localtime timeout 200 $RS lab exec --name $L -- "$@" >/dev/null 2>/dev/shm/rate.err
kill $poll; wait $poll 2>/dev/null
# active phase: samples where the counter rose by > 1000 since the last one
awk '{ if (NR > 1 && $2 - pn > 1000) { if (!t0) { t0 = pt; n0 = pn } t1 = $1; n1 = $2 } pt = $1; pn = $2 }
     END { if (t1 > t0) printf "kpps=%.0f packets=%d secs=%.2f\n", (n1 - n0) / (t1 - t0) / 1000, n1 - n0, t1 - t0; else print "no traffic" }' $f
rm -f $f
