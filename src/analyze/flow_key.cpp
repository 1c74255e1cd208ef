// Flow keys: extraction from a decoded packet, hashing and text form.
#include "pktscope/flow.hpp"

namespace pktscope {
namespace {

// 64-bit mix (the finaliser of MurmurHash3 / splitmix64): every input bit affects every
// output bit, so linear probing on the low bits stays short.
constexpr std::uint64_t mix64(std::uint64_t x) noexcept {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

std::uint64_t load_u64(const std::uint8_t* p) noexcept {
    std::uint64_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

std::uint64_t endpoint_hash(const flow_endpoint& e, std::uint64_t seed) noexcept {
    std::uint64_t h = seed ^ (std::uint64_t{e.address.family} << 16 | e.port);
    h = mix64(h ^ load_u64(e.address.octets.data()));
    h = mix64(h ^ load_u64(e.address.octets.data() + 8));
    return h;
}

}  // namespace

char* format_to(char* out, const ip_address& address) noexcept {
    if (address.family == 4) return format_to(out, address.v4());
    if (address.family == 6) return format_to(out, address.v6());
    *out++ = '-';
    return out;
}

std::uint64_t flow_hash(const flow_key& key) noexcept {
    const std::uint64_t h = endpoint_hash(key.source, 0x9e3779b97f4a7c15ULL ^ key.protocol);
    return mix64(endpoint_hash(key.destination, h));
}

std::optional<flow_key> flow_key_of(const decoded_packet& p) noexcept {
    flow_key key;
    if (p.ipv4) {
        key.source.address = ip_address::from(p.ipv4->source());
        key.destination.address = ip_address::from(p.ipv4->destination());
    } else if (p.ipv6) {
        key.source.address = ip_address::from(p.ipv6->source());
        key.destination.address = ip_address::from(p.ipv6->destination());
    } else {
        return std::nullopt;
    }
    if (p.tcp) {
        key.protocol = ip_protocol::tcp;
        key.source.port = p.tcp->source_port();
        key.destination.port = p.tcp->destination_port();
    } else if (p.udp) {
        key.protocol = ip_protocol::udp;
        key.source.port = p.udp->source_port();
        key.destination.port = p.udp->destination_port();
    } else {
        return std::nullopt;
    }
    return key;
}

}  // namespace pktscope
