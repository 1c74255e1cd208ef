// Test helpers for the DNS tracker: DNS messages written byte by byte (so hostile ones can be
// written too), wrapped in Ethernet/IP/UDP/TCP by libtins (an independent packet builder),
// and a harness that feeds them to a dns_tracker and keeps the records it reports.
#pragma once

#include <gtest/gtest.h>

#include <tins/tins.h>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "pktscope/decode.hpp"
#include "pktscope/dns_tracker.hpp"

namespace pktscope::test {

/// Builds a DNS message in wire form (RFC 1035 4.1), names uncompressed unless written by
/// hand with raw().
class dns_wire {
  public:
    /// Header: `flags` is the 16-bit flags word (QR 0x8000, AA 0x0400, TC 0x0200, RD 0x0100,
    /// RA 0x0080, RCODE in the low 4 bits).
    dns_wire(std::uint16_t id, std::uint16_t flags, std::uint16_t qdcount, std::uint16_t ancount,
             std::uint16_t nscount, std::uint16_t arcount) {
        u16(id).u16(flags).u16(qdcount).u16(ancount).u16(nscount).u16(arcount);
    }
    dns_wire& u8(std::uint8_t v) {
        bytes.push_back(v);
        return *this;
    }
    dns_wire& u16(std::uint16_t v) {
        return u8(static_cast<std::uint8_t>(v >> 8)).u8(static_cast<std::uint8_t>(v));
    }
    dns_wire& u32(std::uint32_t v) {
        return u16(static_cast<std::uint16_t>(v >> 16)).u16(static_cast<std::uint16_t>(v));
    }
    dns_wire& raw(std::initializer_list<std::uint8_t> v) {
        bytes.insert(bytes.end(), v.begin(), v.end());
        return *this;
    }
    dns_wire& raw(const std::vector<std::uint8_t>& v) {
        // One byte at a time: GCC 12 at -O3 misreads vector::insert of small vectors as an
        // out-of-bounds memmove (-Warray-bounds false positive).
        for (std::uint8_t b : v) bytes.push_back(b);
        return *this;
    }
    /// A name as labels ("www.example.test"; "." or "" for the root).
    dns_wire& name(std::string_view n) {
        while (!n.empty() && n != ".") {
            const std::size_t dot = n.find('.');
            const std::string_view label = n.substr(0, dot);
            u8(static_cast<std::uint8_t>(label.size()));
            for (char c : label) u8(static_cast<std::uint8_t>(c));
            if (dot == std::string_view::npos) break;
            n.remove_prefix(dot + 1);
        }
        return u8(0);
    }
    dns_wire& question(std::string_view n, std::uint16_t qtype, std::uint16_t qclass = 1) {
        return name(n).u16(qtype).u16(qclass);
    }
    /// A record whose RDATA is given as bytes.
    dns_wire& rr(std::string_view owner, std::uint16_t type, std::uint32_t ttl,
                 const std::vector<std::uint8_t>& rdata, std::uint16_t rrclass = 1) {
        name(owner).u16(type).u16(rrclass).u32(ttl).u16(static_cast<std::uint16_t>(rdata.size()));
        return raw(rdata);
    }
    dns_wire& a(std::string_view owner, std::uint32_t ttl, std::uint8_t a0, std::uint8_t a1,
                std::uint8_t a2, std::uint8_t a3) {
        return rr(owner, 1, ttl, {a0, a1, a2, a3});
    }
    /// A record whose RDATA is one uncompressed name (CNAME, NS, PTR).
    dns_wire& name_rr(std::string_view owner, std::uint16_t type, std::uint32_t ttl,
                      std::string_view target) {
        dns_wire rdata(0, 0, 0, 0, 0, 0);
        rdata.bytes.clear();
        rdata.name(target);
        return rr(owner, type, ttl, rdata.bytes);
    }
    /// An SOA record (RFC 1035 3.3.13).
    dns_wire& soa(std::string_view owner, std::uint32_t ttl, std::string_view mname,
                  std::string_view rname, std::uint32_t serial, std::uint32_t minimum) {
        dns_wire rdata(0, 0, 0, 0, 0, 0);
        rdata.bytes.clear();
        rdata.name(mname).name(rname).u32(serial).u32(3600).u32(600).u32(86400).u32(minimum);
        return rr(owner, 6, ttl, rdata.bytes);
    }
    /// An OPT pseudo-record (RFC 6891 6.1.2) with raw options.
    dns_wire& opt(std::uint16_t udp_size, bool do_bit,
                  const std::vector<std::uint8_t>& options = {}, std::uint8_t extended_rcode = 0) {
        const std::uint32_t ttl = std::uint32_t{extended_rcode} << 24 | (do_bit ? 0x8000U : 0U);
        return rr(".", 41, ttl, options, udp_size);
    }

    std::vector<std::uint8_t> bytes;
};

/// Flag words for dns_wire.
inline constexpr std::uint16_t query_rd = 0x0100;
inline constexpr std::uint16_t response_flags(std::uint16_t rcode, bool aa = true,
                                              bool tc = false) {
    return static_cast<std::uint16_t>(0x8000U | 0x0100U | 0x0080U | (aa ? 0x0400U : 0U) |
                                      (tc ? 0x0200U : 0U) | (rcode & 0xfU));
}

/// The message with a two-byte length prefix, as DNS over TCP sends it (RFC 1035 4.2.2).
inline std::vector<std::uint8_t> with_length_prefix(const std::vector<std::uint8_t>& m) {
    std::vector<std::uint8_t> out(m.size() + 2);
    out[0] = static_cast<std::uint8_t>(m.size() >> 8);
    out[1] = static_cast<std::uint8_t>(m.size());
    std::copy(m.begin(), m.end(), out.begin() + 2);
    return out;
}

/// A host in a test: its address (IPv4 or IPv6 text) and a port.
struct host {
    std::string address;
    std::uint16_t port;
};

/// Ethernet + IPv4/IPv6 + UDP carrying `payload`, serialised by libtins.
inline std::vector<std::uint8_t> udp_frame(const host& from, const host& to,
                                           const std::vector<std::uint8_t>& payload) {
    Tins::UDP udp(to.port, from.port);
    udp /= Tins::RawPDU(payload);
    if (from.address.find(':') != std::string::npos) {
        Tins::EthernetII eth = Tins::EthernetII() / Tins::IPv6(to.address, from.address) / udp;
        return eth.serialize();
    }
    Tins::EthernetII eth = Tins::EthernetII() / Tins::IP(to.address, from.address) / udp;
    return eth.serialize();
}

/// TCP flag bits for tcp_frame.
inline constexpr std::uint16_t tcp_syn = 0x02, tcp_fin = 0x01, tcp_rst = 0x04, tcp_psh = 0x08,
                               tcp_ack = 0x10;

/// Ethernet + IPv4/IPv6 + TCP with sequence number `seq`, flags and payload, by libtins.
inline std::vector<std::uint8_t> tcp_frame(const host& from, const host& to, std::uint32_t seq,
                                           std::uint16_t flags,
                                           const std::vector<std::uint8_t>& payload = {}) {
    Tins::TCP tcp(to.port, from.port);
    tcp.seq(seq);
    tcp.ack_seq(1);
    tcp.flags(static_cast<Tins::small_uint<12>>(flags));
    if (!payload.empty()) tcp /= Tins::RawPDU(payload);
    if (from.address.find(':') != std::string::npos) {
        Tins::EthernetII eth = Tins::EthernetII() / Tins::IPv6(to.address, from.address) / tcp;
        return eth.serialize();
    }
    Tins::EthernetII eth = Tins::EthernetII() / Tins::IP(to.address, from.address) / tcp;
    return eth.serialize();
}

/// Feeds frames to a dns_tracker (decoding each) and keeps every record it reports.
class tracker_harness {
  public:
    explicit tracker_harness(dns_tracker_options options = {})
        : tracker_(std::move(options), [this](const dns_transaction& t) { records.push_back(t); }) {
    }

    /// Feeds one frame at `ts_ns`; returns its 1-based frame number.
    std::uint64_t feed(const std::vector<std::uint8_t>& bytes, std::int64_t ts_ns) {
        frame f;
        f.ts_ns = ts_ns;
        f.caplen = f.wirelen = static_cast<std::uint32_t>(bytes.size());
        f.linktype = linktype::en10mb;
        f.data = as_bytes_of(bytes.data(), bytes.size());
        decoded_packet p;
        decode(f, p);
        tracker_.add(f, p, ++frames_);
        return frames_;
    }
    void finish() { tracker_.finish(); }
    const dns_tracker_counters& counters() const { return tracker_.counters(); }
    dns_tracker& tracker() { return tracker_; }

    std::vector<dns_transaction> records;

  private:
    dns_tracker tracker_;
    std::uint64_t frames_ = 0;
};

/// Nanoseconds from milliseconds, for readable timestamps.
constexpr std::int64_t ms(std::int64_t v) {
    return v * 1'000'000;
}
/// A base time (2023-11-14T22:13:20Z) for test captures.
constexpr std::int64_t t0 = 1'700'000'000'000'000'000;

}  // namespace pktscope::test
