# Sourced by setup.sh and test.sh: installs the Debian 12 packages pktscope needs, once.
# As root, missing packages are installed with apt-get; otherwise the missing ones are named.

pktscope_packages=(
  build-essential cmake ninja-build pkg-config git clang-14 libclang-rt-14-dev
  libpcap-dev libtins-dev libcli11-dev libfmt-dev libnl-3-dev libnl-route-3-dev
  googletest libgtest-dev libgmock-dev libbenchmark-dev nlohmann-json3-dev
  tshark tcpdump dnsmasq-base dnsutils iproute2 iputils-ping ethtool nftables socat ncat procps
  unbound nsd
)

ensure_packages() {
  local missing=() p
  for p in "${pktscope_packages[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "pktscope: missing Debian packages: ${missing[*]}" >&2
    echo "pktscope: run this script as root, or: sudo apt-get install ${missing[*]}" >&2
    return 1
  fi
  echo "pktscope: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}
