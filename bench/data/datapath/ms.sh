#!/bin/bash
# ms.sh LAB RATE GSO(on|off) [taskset-cpus]: masscan -p80,443 80.0.0.0/16, compare with ground truth
L=$1 R=$2 G=$3 T=${4:-}
RS=${RESCAN:-rescan}
NS=$($RS lab env --name $L scanner_netns)
ip netns exec $NS ethtool -K lab0 gso $G
[ -s truth ] || { $RS world export synth:1 tcp/80 80.0.0.0/16 | sed 's/$/ 80/' > truth; $RS world export synth:1 tcp/443 80.0.0.0/16 | sed 's/$/ 443/' >> truth; sort -o truth truth; }
b=$($RS stats --name $L --json | jq '.scanner_side.rx_synack')
pre=""; [ -n "$T" ] && pre="taskset -c $T"
s=$(date +%s.%N)
timeout 120 $RS lab exec --name $L -- $pre masscan -p80,443 --rate $R 80.0.0.0/16 --wait 3 -oL out.$$ >/dev/null 2>&1
e=$(date +%s.%N)
a=$($RS stats --name $L --json | jq '.scanner_side.rx_synack')
awk '$1=="open"{print $4, $3}' out.$$ | sort -u > got.$$
echo "rate=$R gso=$G cpus=${T:-all} truth=$(wc -l <truth) delivered=$((a-b)) got=$(wc -l <got.$$) missed=$(comm -23 truth got.$$ | wc -l) extra=$(comm -13 truth got.$$ | wc -l) secs=$(echo "$e - $s" | bc)"
rm -f out.$$ got.$$
