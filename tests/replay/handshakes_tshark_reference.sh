#!/usr/bin/env bash
# Regenerates tests/replay/golden/handshakes/tshark_tcp_packets.tsv, the independent reference
# that tests/replay/handshakes_tshark_test.cpp compares `pktscope handshakes` with: for every
# TCP packet of every capture that has TCP (the shared corpus, ../shared/corpus/tcpdump/pcaps,
# and this project's captures/), tshark's stream number, flags, payload length, checksum
# verdict, conversation completeness and initial RTT (two passes, so every packet of a stream
# carries the stream's final completeness).
#
# Usage (from the project root): tests/replay/handshakes_tshark_reference.sh
# Needs tshark (4.0.x was used; the first line of the output names the version).
set -euo pipefail
cd "$(dirname "$0")/../.."
corpus=../shared/corpus/tcpdump
out=tests/replay/golden/handshakes/tshark_tcp_packets.tsv
mkdir -p "$(dirname "$out")"

# Captures with at least one TCP packet: the corpus reference tables say which.
files=()
for ref in "$corpus"/reference/*.fields.tsv; do
  name=$(basename "$ref" .fields.tsv)
  has_tcp=$(awk -F'\t' 'NR==1{for(i=1;i<=NF;i++) if($i=="tcp.srcport") c=i; next} c && $c!=""{print "yes"; exit}' "$ref")
  [ "$has_tcp" = yes ] || continue
  for ext in pcap pcapng; do
    [ -f "$corpus/pcaps/$name.$ext" ] && files+=("$corpus/pcaps/$name.$ext")
  done
done
for f in captures/*.pcap; do files+=("$f"); done

{
  printf '# %s\n' "$(tshark --version 2>/dev/null | head -1)"
  printf 'file\tframe\ttime_epoch\tstream\tsrc\tsrcport\tdst\tdstport\tflags\tlen\tchecksum_status\tcompleteness\tinitial_rtt\n'
  for f in "${files[@]}"; do
    # The path as the test finds it: corpus files by name, project captures by their path.
    case "$f" in
      "$corpus"/pcaps/*) label="corpus:$(basename "$f")" ;;
      *) label="$f" ;;
    esac
    tshark -n -2 -r "$f" -o tcp.analyze_sequence_numbers:TRUE -o tcp.check_checksum:TRUE \
      -o tcp.relative_sequence_numbers:FALSE -Y 'tcp && !icmp && !icmpv6' -T fields \
      -E separator=/t -E occurrence=f \
      -e frame.number -e frame.time_epoch -e tcp.stream -e ip.src -e ipv6.src -e tcp.srcport \
      -e ip.dst -e ipv6.dst -e tcp.dstport -e tcp.flags -e tcp.len -e tcp.checksum.status \
      -e tcp.completeness -e tcp.analysis.initial_rtt 2>/dev/null |
      awk -F'\t' -v OFS='\t' -v label="$label" '{
        src = $4 != "" ? $4 : $5; dst = $7 != "" ? $7 : $8
        print label, $1, $2, $3, src, $6, dst, $9, $10, $11, $12, $13, $14 }' || true
  done
} > "$out"
echo "wrote $out ($(grep -vc '^#' "$out") lines, ${#files[@]} captures)"
