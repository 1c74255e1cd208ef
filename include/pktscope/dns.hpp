// DNS messages (RFC 1035 section 4; EDNS(0) RFC 6891; AAAA RFC 3596; SRV RFC 2782).
//
// Everything here works in place over the message bytes and fixed-size buffers: no heap
// allocation. Names are decompressed with backward-only pointers (RFC 1035 4.1.4 allows
// pointers only to a "prior occurrence") and a hop cap, so hostile messages cannot loop.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "pktscope/anomaly.hpp"
#include "pktscope/bytes.hpp"
#include "pktscope/escape.hpp"
#include "pktscope/result.hpp"

namespace pktscope {

/// Resource record TYPE values (IANA "DNS Parameters").
namespace dns_type {
inline constexpr std::uint16_t a = 1;
inline constexpr std::uint16_t ns = 2;
inline constexpr std::uint16_t cname = 5;
inline constexpr std::uint16_t soa = 6;
inline constexpr std::uint16_t ptr = 12;
inline constexpr std::uint16_t hinfo = 13;
inline constexpr std::uint16_t mx = 15;
inline constexpr std::uint16_t txt = 16;
inline constexpr std::uint16_t aaaa = 28;
inline constexpr std::uint16_t srv = 33;
inline constexpr std::uint16_t opt = 41;
inline constexpr std::uint16_t svcb = 64;
inline constexpr std::uint16_t https = 65;
inline constexpr std::uint16_t caa = 257;
}  // namespace dns_type

inline constexpr std::size_t dns_header_length = 12;
/// Longest name in wire octets, including length octets and the root (RFC 1035 2.3.4).
inline constexpr std::size_t max_dns_name_octets = 255;
/// Most compression pointers followed while reading one name.
inline constexpr std::size_t max_dns_pointer_hops = 64;
/// Most questions plus records the decoder walks in one message.
inline constexpr std::size_t max_dns_entries = 1024;

/// Presentation text of a name, escaped (at most 4 characters per octet, plus dots).
using dns_name_text = fixed_text<1024>;
/// Presentation text of RDATA; longer data is cut and marked truncated.
using dns_rdata_text = fixed_text<4096>;

/// View of a DNS message (header accessors; sections are read with dns_walker).
class dns_message {
public:
    /// `bytes` is exactly one message (UDP payload, or a TCP message without its length
    /// prefix). Errors: truncated_dns_header (< 12 bytes).
    static result<dns_message> parse(byte_span bytes) noexcept {
        if (bytes.size() < dns_header_length) return anomaly::truncated_dns_header;
        dns_message m;
        m.bytes_ = bytes;
        return m;
    }

    std::uint16_t id() const noexcept { return load_be16(bytes_, 0); }
    std::uint16_t flags() const noexcept { return load_be16(bytes_, 2); }
    /// QR: false = query, true = response.
    bool qr() const noexcept { return (flags() & 0x8000U) != 0; }
    /// OPCODE, 4 bits (0 QUERY, 1 IQUERY, 2 STATUS, 4 NOTIFY, 5 UPDATE).
    std::uint8_t opcode() const noexcept { return static_cast<std::uint8_t>((flags() >> 11) & 0xfU); }
    bool aa() const noexcept { return (flags() & 0x0400U) != 0; }
    bool tc() const noexcept { return (flags() & 0x0200U) != 0; }
    bool rd() const noexcept { return (flags() & 0x0100U) != 0; }
    bool ra() const noexcept { return (flags() & 0x0080U) != 0; }
    bool z() const noexcept { return (flags() & 0x0040U) != 0; }
    /// Authentic Data / Checking Disabled (RFC 4035 3.2).
    bool ad() const noexcept { return (flags() & 0x0020U) != 0; }
    bool cd() const noexcept { return (flags() & 0x0010U) != 0; }
    /// RCODE, 4 bits of the header (EDNS extends it, see dns_edns).
    std::uint8_t rcode() const noexcept { return static_cast<std::uint8_t>(flags() & 0xfU); }
    std::uint16_t qdcount() const noexcept { return load_be16(bytes_, 4); }
    std::uint16_t ancount() const noexcept { return load_be16(bytes_, 6); }
    std::uint16_t nscount() const noexcept { return load_be16(bytes_, 8); }
    std::uint16_t arcount() const noexcept { return load_be16(bytes_, 10); }
    byte_span bytes() const noexcept { return bytes_; }

private:
    byte_span bytes_;
};

/// Reads the possibly compressed name at `offset` of `message`. When `text` is non-null it
/// receives the escaped presentation form without the trailing dot ("." for the root).
/// Returns the offset just past the name where it started (not where pointers led).
/// Errors: dns_label_overrun, dns_pointer_forward, dns_pointer_loop, dns_name_too_long,
/// dns_bad_label_type.
result<std::size_t> read_dns_name(byte_span message, std::size_t offset,
                                  dns_name_text* text) noexcept;

/// Which section a record came from.
enum class dns_section : std::uint8_t { question, answer, authority, additional };

/// One question entry (RFC 1035 4.1.2).
struct dns_question {
    std::uint16_t name_offset = 0;
    std::uint16_t qtype = 0;
    std::uint16_t qclass = 0;  ///< the mDNS unicast-response bit (0x8000) included as carried
};

/// One resource record (RFC 1035 4.1.3); offsets are into the message.
struct dns_record {
    dns_section section = dns_section::answer;
    std::uint16_t name_offset = 0;
    std::uint16_t type = 0;
    std::uint16_t rrclass = 0;
    std::uint32_t ttl = 0;
    std::uint16_t rdata_offset = 0;
    std::uint16_t rdata_length = 0;
};

/// Walks the questions, then answer, authority and additional records, in order, at most
/// max_dns_entries in all. After next_*() returns false, error() tells whether the walk ended
/// because of malformed data (dns_count_exceeds_message when the message ends before the
/// counts are met, dns_record_overrun, name anomalies, dns_record_limit_exceeded).
class dns_walker {
public:
    explicit dns_walker(dns_message message) noexcept;
    /// Next question; false when all questions are read or on error.
    bool next_question(dns_question& out) noexcept;
    /// Next record (skips any unread questions first); false when done or on error.
    bool next_record(dns_record& out) noexcept;
    /// The anomaly that stopped the walk, if any.
    std::optional<anomaly> error() const noexcept { return error_; }

private:
    bool fail(anomaly a) noexcept;
    dns_message message_;
    std::size_t offset_ = dns_header_length;
    std::uint32_t questions_left_;
    std::uint32_t answers_left_;
    std::uint32_t authority_left_;
    std::uint32_t additional_left_;
    std::size_t entries_ = 0;
    std::optional<anomaly> error_;
};

/// EDNS(0) facts from the OPT pseudo-record (RFC 6891 6.1.3).
struct dns_edns {
    std::uint16_t udp_size = 0;       ///< requestor's UDP payload size (the OPT CLASS)
    std::uint8_t extended_rcode = 0;  ///< upper 8 bits of the 12-bit RCODE
    std::uint8_t version = 0;
    bool do_bit = false;              ///< DNSSEC OK
    std::uint16_t options_length = 0; ///< RDATA length (options)
};

/// Reads the EDNS fields of an OPT record.
constexpr dns_edns edns_from_opt(const dns_record& opt) noexcept {
    dns_edns e;
    e.udp_size = opt.rrclass;
    e.extended_rcode = static_cast<std::uint8_t>(opt.ttl >> 24);
    e.version = static_cast<std::uint8_t>((opt.ttl >> 16) & 0xffU);
    e.do_bit = (opt.ttl & 0x8000U) != 0;
    e.options_length = opt.rdata_length;
    return e;
}

/// EDNS option codes interpreted here (IANA "DNS EDNS0 Option Codes (OPT)").
namespace dns_edns_option_code {
inline constexpr std::uint16_t nsid = 3;            ///< RFC 5001
inline constexpr std::uint16_t client_subnet = 8;   ///< RFC 7871
inline constexpr std::uint16_t cookie = 10;         ///< RFC 7873
inline constexpr std::uint16_t tcp_keepalive = 11;  ///< RFC 7828
inline constexpr std::uint16_t padding = 12;        ///< RFC 7830
}  // namespace dns_edns_option_code

/// One option of an OPT record's RDATA (RFC 6891 6.1.2): its code and data bytes.
struct dns_edns_option {
    std::uint16_t code = 0;
    byte_span data;
};

/// Reads the option at `offset` of OPT RDATA `rdata` into `out` and moves `offset` past it.
/// Returns false at the end of the RDATA, or with `error` set to dns_bad_rdata when an
/// option's length runs past it.
bool next_edns_option(byte_span rdata, std::size_t& offset, dns_edns_option& out,
                      std::optional<anomaly>& error) noexcept;

/// Appends an EDNS Client Subnet option's data (RFC 7871 6) as dig prints it,
/// "ADDRESS/SOURCE/SCOPE" ("192.0.2.0/24/0"). Errors: dns_bad_rdata (unknown family, a
/// prefix longer than the family allows, or an address length that does not fit the prefix).
std::optional<anomaly> format_edns_client_subnet(byte_span data, dns_rdata_text& out) noexcept;

/// Appends a COOKIE option's data (RFC 7873 4) as lower-case hex: the 8-byte client cookie to
/// `client`, the 8-32-byte server cookie (if any) to `server`. Errors: dns_bad_rdata (length
/// not 8 or 16-40).
std::optional<anomaly> format_edns_cookie(byte_span data, dns_rdata_text& client,
                                          dns_rdata_text& server) noexcept;

/// Appends the RDATA of `record` in presentation form, as dig prints it: A and AAAA
/// addresses; CNAME/NS/PTR names; MX "preference exchange"; TXT quoted, escaped strings;
/// SOA "mname rname serial refresh retry expire minimum"; SRV "priority weight port target";
/// CAA "flags tag \"value\""; others as RFC 3597 "\# LEN HEX". Returns nullopt on success or
/// the anomaly (dns_bad_rdata, name anomalies) when the RDATA is malformed.
std::optional<anomaly> format_dns_rdata(byte_span message, const dns_record& record,
                                        dns_rdata_text& out) noexcept;

/// Checks the RDATA of `record` as format_dns_rdata() reads it, without producing text (the
/// decode path's validation). Returns the anomaly (dns_bad_rdata, name anomalies) or nullopt.
std::optional<anomaly> check_dns_rdata(byte_span message, const dns_record& record) noexcept;

/// Mnemonic of a TYPE ("A", "AAAA", ...), or "" when this decoder has no name for it.
std::string_view dns_type_name(std::uint16_t type) noexcept;
/// Mnemonic of a CLASS ("IN", "CH", "HS", "ANY"), or "".
std::string_view dns_class_name(std::uint16_t rrclass) noexcept;
/// RCODE name (RFC 6895 2.3: "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", ...), or "".
std::string_view dns_rcode_name(std::uint16_t rcode) noexcept;
/// OPCODE name ("QUERY", "IQUERY", "STATUS", "NOTIFY", "UPDATE"), or "".
std::string_view dns_opcode_name(std::uint8_t opcode) noexcept;

/// What decode() learned walking a whole DNS message.
struct dns_info {
    dns_message message;
    std::optional<dns_edns> edns;
    std::uint16_t questions_read = 0;   ///< questions walked without error
    std::uint16_t records_read = 0;     ///< records walked without error
    bool complete = false;              ///< every counted entry was read
    bool over_tcp = false;              ///< carried in TCP (after a 2-byte length prefix)
};

/// Walks the whole message once, validating every name and record, recording anomalies in
/// `anomalies`. Bounded by max_dns_entries; no allocation.
dns_info inspect_dns(dns_message message, anomaly_set& anomalies) noexcept;

}  // namespace pktscope
