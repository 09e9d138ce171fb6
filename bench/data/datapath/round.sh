#!/bin/bash
# round.sh LAB PROFILES...: zmap /10 and masscan /12 max rate per profile; rates from lab0 and exactness
L=$1; shift
for p in "$@"; do
  ./prof.sh $L $p
  z=$(./rate.sh $L zmap -p 80 -r 0 -c 2 -q -o /dev/shm/zz.csv -m /dev/shm/zz.json 64.0.0.0/10)
  zr=$(jq '"\(.success_unique) pcapdrop=\(.pcap_drop)"' -r /dev/shm/zz.json)
  m=$(./rate.sh $L masscan -p80,443 --rate 10000000 80.0.0.0/12 --wait 2 -oL /dev/shm/mm.txt)
  mg=$(awk '$1=="open"{print $4, $3}' /dev/shm/mm.txt | sort -u | comm -3 - truth.80.0.0.0_12 | wc -l)
  echo "$p | zmap $z recv=$zr (of 44279) | masscan $m diff=$mg"
done
