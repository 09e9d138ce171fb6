#!/bin/bash
# prof.sh LAB plain|thr|tuned|thrq|thrnodefer
L=$1 P=$2
RS=${RESCAN:-rescan}
SNS=$($RS lab env --name $L scanner_netns); INS=$($RS lab env --name $L internet_netns)
set_nic() { ip netns exec $INS sh -c "echo $1 > /sys/class/net/inet0/threaded; echo $2 > /sys/class/net/inet0/napi_defer_hard_irqs; echo $3 > /sys/class/net/inet0/gro_flush_timeout"; }
case $P in
plain) set_nic 0 0 0; ip netns exec $SNS tc qdisc del dev lab0 root 2>/dev/null; true ;;
thr|tuned) set_nic 1 100 20000; ip netns exec $SNS tc qdisc replace dev lab0 root pfifo limit 10000 ;;
thrnoq) set_nic 1 100 20000; ip netns exec $SNS tc qdisc del dev lab0 root 2>/dev/null; true ;;
thrnodefer) set_nic 1 0 0; ip netns exec $SNS tc qdisc replace dev lab0 root pfifo limit 10000 ;;
esac
sleep 0.2
for p in $(pgrep '^napi/'); do
  if [ $P = tuned ]; then taskset -pc 1 $p >/dev/null; chrt -f -p 50 $p; else taskset -pc 0-1 $p >/dev/null; chrt -o -p 0 $p; fi
done
