#!/bin/sh
# Regenerates tests/replay/data/dns_tshark_reference.tsv: for every capture of the shared
# corpus (../shared/corpus/tcpdump/pcaps), of captures/ and of the resolver capture
# tests/replay/data/dns_resolver.pcap in which tshark finds DNS, one row per DNS message with tshark's own pairing
# (dns.response_in / dns.response_to), latency (dns.time), retransmission and unsolicited
# verdicts, names and RCODEs. dns_tshark_test.cpp compares `pktscope dns` with it.
#
# Usage (from the project root): tests/replay/dns_tshark_reference.sh
# Needs tshark (the committed table was made with TShark 4.0.17, the Debian 12 package).
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
pcaps="$root/../shared/corpus/tcpdump/pcaps"
out="$root/tests/replay/data/dns_tshark_reference.tsv"
fields="frame.number frame.time_epoch ip.src ipv6.src ip.dst ipv6.dst udp.srcport udp.dstport
tcp.srcport tcp.dstport dns.id dns.flags.response dns.qry.name dns.qry.type dns.flags.rcode
dns.resp.ext_rcode dns.flags.truncated dns.response_in dns.response_to dns.time
dns.retransmission dns.retransmit_request_in dns.retransmit_response_in dns.unsolicited"
args=""
header="file"
for f in $fields; do
  args="$args -e $f"
  header="$header	$f"
done
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
printf '# tshark %s; one row per frame with DNS (first occurrence of each field: no frame here carries two messages)\n' \
  "$(tshark --version 2>/dev/null | head -1 | sed 's/^TShark (Wireshark) //')" > "$tmp"
printf '%s\n' "$header" >> "$tmp"
for pcap in "$root"/captures/*.pcap "$root"/tests/replay/data/dns_resolver.pcap "$pcaps"/*; do
  case "$pcap" in
    "$pcaps"/*) name=$(basename "$pcap") ;;  # the shared corpus: by file name
    *) name=${pcap#"$root"/} ;;              # ours: relative to the project root
  esac
  # Two passes (-2): a query's dns.response_in is only known once its response was seen.
  # Default preferences otherwise (retransmission timer 5 s, like pktscope's --timeout).
  # shellcheck disable=SC2086
  timeout 120 tshark -2 -n -r "$pcap" -Y dns.id -T fields -E separator=/t -E occurrence=f \
    -E quote=n $args 2>/dev/null |
    sed "s|^|$name	|" >> "$tmp" || true
done
mv "$tmp" "$out"
trap - EXIT
echo "wrote $out ($(($(wc -l < "$out") - 2)) rows)"
