// Helpers shared by the unit tests: packets written out as hex, decoded in one call.
//
// A test names each byte array for the case it shows and writes it as
//     constexpr packet_case syn_with_mss{linktype::en10mb, "02 00 ..."  // Ethernet
//                                                          "45 00 ..."};  // IPv4
// so tests/unit/cases_to_pcap.py can put the very same bytes into a pcap for tshark.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "pktscope/decode.hpp"

namespace pktscope::test {

/// A packet as written in a test: link type and hex bytes (whitespace ignored).
struct packet_case {
    std::uint16_t linktype = linktype::en10mb;
    std::string_view hex;
};

/// Bytes of a hex string; whitespace is ignored, anything else but hex digits fails the test.
inline std::vector<std::byte> from_hex(std::string_view hex) {
    std::vector<std::byte> out;
    int high = -1;
    for (char c : hex) {
        int v = -1;
        if (c >= '0' && c <= '9')
            v = c - '0';
        else if (c >= 'a' && c <= 'f')
            v = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            v = c - 'A' + 10;
        else if (c == ' ' || c == '\n' || c == '\t')
            continue;
        if (v < 0) {
            ADD_FAILURE() << "not a hex digit: '" << c << "'";
            return out;
        }
        if (high < 0) {
            high = v;
        } else {
            out.push_back(static_cast<std::byte>(high << 4 | v));
            high = -1;
        }
    }
    if (high >= 0) ADD_FAILURE() << "odd number of hex digits";
    return out;
}

/// Bytes of a string (for DNS labels and the like).
inline std::vector<std::byte> bytes_of(std::string_view s) {
    std::vector<std::byte> out;
    for (char c : s) out.push_back(static_cast<std::byte>(c));
    return out;
}

/// A case's bytes, the frame over them and the decoded packet. Views in `packet` point into
/// `bytes`, whose heap buffer stays put when the struct is moved.
struct decoded_case {
    std::vector<std::byte> bytes;
    frame f;
    decoded_packet packet;
    const decoded_packet* operator->() const { return &packet; }
};

/// Decodes `c`. `wirelen` 0 means "as captured"; a larger value models a snapshot cut.
/// `keep` drops bytes from the end (a shorter capture of the same packet).
inline decoded_case decode_case(const packet_case& c, std::uint32_t wirelen = 0,
                                const decode_options& options = {}) {
    decoded_case d;
    d.bytes = from_hex(c.hex);
    d.f.ts_ns = 1'700'000'000'000'000'000;
    d.f.caplen = static_cast<std::uint32_t>(d.bytes.size());
    d.f.wirelen = wirelen == 0 ? d.f.caplen : wirelen;
    d.f.linktype = c.linktype;
    d.f.data = d.bytes;
    decode(d.f, d.packet, options);
    return d;
}

/// Decodes the first `caplen` bytes of `c` as a capture cut by the snapshot length (the wire
/// length stays the full size).
inline decoded_case decode_cut(const packet_case& c, std::size_t caplen,
                               const decode_options& options = {}) {
    decoded_case d;
    d.bytes = from_hex(c.hex);
    d.f.wirelen = static_cast<std::uint32_t>(d.bytes.size());
    if (caplen < d.bytes.size()) d.bytes.resize(caplen);
    d.f.caplen = static_cast<std::uint32_t>(d.bytes.size());
    d.f.linktype = c.linktype;
    d.f.data = d.bytes;
    decode(d.f, d.packet, options);
    return d;
}

/// The anomalies of a set by name, in enum order (readable in test failures).
inline std::vector<std::string> anomaly_names(const anomaly_set& set) {
    std::vector<std::string> names;
    set.for_each([&](anomaly a) { names.emplace_back(anomaly_name(a)); });
    return names;
}

/// Text of an address, IPv4 in host order or any address type format_to() accepts.
template <class Address>
std::string text_of(const Address& a) {
    return to_string(a);
}

}  // namespace pktscope::test
