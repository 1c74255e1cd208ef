#!/usr/bin/env bash
# Re-creates the curated captures in captures/ from real traffic in private network
# namespaces (needs root). Topology, all inside namespaces this script creates and deletes:
#
#   cli (10.77.1.1, fd77:1::1) --veth-- rtr (forwarding) --veth-- srv (10.77.2.1, fd77:2::1)
#
# Each capture is taken with `pktscope sniff -i <iface> -w` on the client's veth (real
# Ethernet frames). Transmit checksum offload is turned off on the veths so the captured
# sums are final; loopback.pcap keeps offload on and shows partial sums.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${PKTSCOPE:-build/release/tools/pktscope}
out=${1:-captures}
[ "$(id -u)" -eq 0 ] || { echo "make-captures: needs root (network namespaces)" >&2; exit 1; }
[ -x "$bin" ] || { echo "make-captures: build first ($bin missing)" >&2; exit 1; }
mkdir -p "$out"
tag=mkcap$$
cli=$tag-cli rtr=$tag-rtr srv=$tag-srv
tmp=$(mktemp -d)
cleanup() {
  for ns in $cli $rtr $srv $tag-lo; do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT

for ns in $cli $rtr $srv; do
  ip netns add "$ns"
  ip -n "$ns" link set lo up
  # No duplicate address detection: addresses are usable at once (link-local too).
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
done
ip -n $cli link add c0 type veth peer name r0 netns $rtr
ip -n $srv link add s0 type veth peer name r1 netns $rtr
ip -n $cli link set c0 address 02:00:00:77:01:01
ip -n $rtr link set r0 address 02:00:00:77:01:fe
ip -n $rtr link set r1 address 02:00:00:77:02:fe
ip -n $srv link set s0 address 02:00:00:77:02:01
ip -n $cli addr add 10.77.1.1/24 dev c0; ip -n $cli addr add fd77:1::1/64 dev c0 nodad
ip -n $rtr addr add 10.77.1.254/24 dev r0; ip -n $rtr addr add fd77:1::fe/64 dev r0 nodad
ip -n $rtr addr add 10.77.2.254/24 dev r1; ip -n $rtr addr add fd77:2::fe/64 dev r1 nodad
ip -n $srv addr add 10.77.2.1/24 dev s0; ip -n $srv addr add fd77:2::1/64 dev s0 nodad
for pair in "$cli c0" "$rtr r0" "$rtr r1" "$srv s0"; do
  set -- $pair
  ip -n "$1" link set "$2" up
  ip netns exec "$1" ethtool -K "$2" tx off rx off >/dev/null 2>&1 || true
done
ip -n $cli route add default via 10.77.1.254; ip -n $cli -6 route add default via fd77:1::fe
ip -n $srv route add default via 10.77.2.254; ip -n $srv -6 route add default via fd77:2::fe
ip netns exec $rtr sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
# Resolve neighbours first, so captures start with the traffic itself.
ip netns exec $cli ping -c3 -i0.3 -w5 10.77.2.1 >/dev/null
ip netns exec $cli ping -6 -c3 -i0.3 -w5 fd77:2::1 >/dev/null

capture() {  # capture NAME NS IFACE FILTER -- command...
  local name=$1 ns=$2 ifc=$3 filter=$4
  shift 5
  ip netns exec "$ns" "$bin" sniff -i "$ifc" -w "$out/$name.pcap" -q $filter 2>"$tmp/$name.log" &
  local pid=$!
  sleep 0.5
  "$@"
  sleep 0.5
  kill -INT $pid
  wait $pid || true
  echo "made $out/$name.pcap: $(grep -o '^[0-9]* packets' "$tmp/$name.log" | head -1)"
}

# 1. TCP: connect, data both ways, FIN from both sides.
ip netns exec $srv socat TCP-LISTEN:8080,reuseaddr SYSTEM:'read line; echo "echo: $line"' &
sleep 0.3
capture tcp_session $cli c0 "tcp" -- \
  ip netns exec $cli sh -c 'printf "hello pktscope\n" | socat -t2 - TCP:10.77.2.1:8080 >/dev/null'

# 2. TCP to a closed port: SYN answered by RST.
capture tcp_refused $cli c0 "tcp" -- \
  ip netns exec $cli sh -c 'socat -T1 - TCP:10.77.2.1:8081 </dev/null 2>/dev/null || true'

# 3. DNS: dnsmasq authoritative for lab.test, dig as the client (UDP, one query over TCP).
ip netns exec $srv dnsmasq --no-daemon --conf-file=/dev/null --no-resolv --no-hosts \
  --listen-address=10.77.2.1 --bind-interfaces --auth-server=ns.lab.test,s0 --auth-zone=lab.test \
  --host-record=www.lab.test,10.77.2.80,fd77:2::80 --cname=web.lab.test,www.lab.test \
  --mx-host=lab.test,mail.lab.test,10 --host-record=mail.lab.test,10.77.2.25 \
  --txt-record=lab.test,"v=spf1 -all" --log-facility=/dev/null &
sleep 0.5
capture dns $cli c0 "port 53" -- ip netns exec $cli sh -c '
  dig +tries=1 +time=2 @10.77.2.1 www.lab.test A >/dev/null
  dig +tries=1 +time=2 @10.77.2.1 www.lab.test AAAA >/dev/null
  dig +tries=1 +time=2 @10.77.2.1 web.lab.test A >/dev/null
  dig +tries=1 +time=2 @10.77.2.1 lab.test MX >/dev/null
  dig +tries=1 +time=2 @10.77.2.1 lab.test TXT >/dev/null
  dig +tries=1 +time=2 @10.77.2.1 nothere.lab.test A >/dev/null
  dig +tries=1 +time=2 +tcp @10.77.2.1 www.lab.test A >/dev/null'

# 4. ICMP: echo, TTL expiring at the router (time exceeded), UDP to a closed port (unreachable).
capture icmp $cli c0 "icmp or udp" -- ip netns exec $cli sh -c '
  ping -c2 -i0.2 -W2 10.77.2.1 >/dev/null
  ping -c1 -t1 -W2 10.77.2.1 >/dev/null || true
  printf probe | socat -T1 - UDP:10.77.2.1:33434 >/dev/null 2>&1 || true'

# 5. IPv6: ICMPv6 echo, TCP with data and FIN, DNS over UDP/IPv6.
ip netns exec $srv socat TCP6-LISTEN:8080,reuseaddr SYSTEM:'read line; echo "echo: $line"' &
sleep 0.3
capture ipv6 $cli c0 "ip6" -- ip netns exec $cli sh -c '
  ping -6 -c1 -W2 fd77:2::1 >/dev/null
  printf "hello over ipv6\n" | socat -t2 - TCP6:[fd77:2::1]:8080 >/dev/null
  printf probe | socat -T1 - UDP6:[fd77:2::1]:33434 >/dev/null 2>&1 || true'

# 6. Loopback with checksum offload left on: the kernel leaves partial (pseudo-header) sums.
ip netns add $tag-lo; ip -n $tag-lo link set lo up
ip netns exec $tag-lo socat TCP-LISTEN:7000,reuseaddr SYSTEM:'read line; echo "echo: $line"' &
sleep 0.3
capture loopback $tag-lo lo "tcp" -- \
  ip netns exec $tag-lo sh -c 'printf "over loopback\n" | socat -t2 - TCP:127.0.0.1:7000 >/dev/null'
