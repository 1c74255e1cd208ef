// Named anomalies: malformed or suspicious input is data, not an exception.
//
// The decoder records each anomaly it meets in the packet's anomaly_set and
// keeps decoding what it can; callers count them with anomaly_counters. The
// names are stable: they appear in JSON output, text output and summaries.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace pktscope {

/// X-macro list of every anomaly name (snake_case, stable across versions).
#define PKTSCOPE_ANOMALIES(X)                                                                  \
    X(capture_truncated)                 /* caplen < wirelen: the snapshot length cut it */    \
    X(truncated_link_header)             /* frame shorter than its link-layer header */        \
    X(unsupported_linktype)              /* link type this decoder does not decode */          \
    X(truncated_vlan_tag)                /* 802.1Q/802.1ad tag cut off */                      \
    X(vlan_depth_exceeded)               /* more than 4 stacked VLAN tags */                   \
    X(truncated_ipv4_header)             /* fewer bytes than 20 or than IHL*4 */               \
    X(bad_ipv4_version)                  /* version nibble is not 4 */                         \
    X(bad_ipv4_ihl)                      /* IHL < 5 (RFC 791 minimum 20 bytes) */              \
    X(bad_ipv4_total_length)             /* total length < header length */                    \
    X(ipv4_total_length_exceeds_capture) /* total length past a fully captured frame */       \
    X(ipv4_total_length_zero)            /* 0: segmentation offload, caplen used instead */    \
    X(ipv4_option_overrun)               /* an IPv4 option runs past the header */            \
    X(bad_ipv4_checksum)                 /* header checksum does not verify */                 \
    X(truncated_ipv6_header)             /* fewer than 40 bytes */                             \
    X(bad_ipv6_version)                  /* version nibble is not 6 */                         \
    X(ipv6_payload_length_exceeds_capture) /* payload length past a fully captured frame */   \
    X(ipv6_payload_length_zero)          /* 0 without jumbogram: offload, caplen used */       \
    X(truncated_ipv6_extension)          /* extension header runs past the payload */          \
    X(ipv6_extension_limit_exceeded)     /* more than 8 extension headers */                   \
    X(truncated_tcp_header)              /* fewer than 20 bytes or data offset past end */     \
    X(bad_tcp_data_offset)               /* data offset < 5 words */                           \
    X(tcp_option_overrun)                /* an option's length runs past the header */         \
    X(bad_tcp_option_length)             /* option length wrong for its kind (e.g. MSS != 4) */ \
    X(bad_tcp_checksum)                  /* TCP checksum does not verify */                    \
    X(truncated_udp_header)              /* fewer than 8 bytes */                              \
    X(bad_udp_length)                    /* UDP length < 8 or past the IP payload */           \
    X(bad_udp_checksum)                  /* UDP checksum does not verify */                    \
    X(udp_zero_checksum_ipv6)            /* zero UDP checksum over IPv6 (RFC 8200 8.1) */       \
    X(truncated_icmp_header)             /* ICMP/ICMPv6 shorter than 4 bytes */                \
    X(bad_icmp_checksum)                 /* ICMPv4 checksum does not verify */                 \
    X(bad_icmpv6_checksum)               /* ICMPv6 checksum does not verify */                 \
    X(truncated_dns_header)              /* DNS message shorter than 12 bytes */               \
    X(dns_pointer_loop)                  /* compression pointers exceed the hop cap */         \
    X(dns_pointer_forward)               /* pointer not strictly backwards (RFC 1035 4.1.4) */ \
    X(dns_label_overrun)                 /* a label or pointer runs past the message */        \
    X(dns_name_too_long)                 /* name over 255 octets (RFC 1035 2.3.4) */           \
    X(dns_bad_label_type)                /* label type 0x40/0x80 (reserved/extended) */        \
    X(dns_record_overrun)                /* a record's fixed part or RDATA runs past the end */ \
    X(dns_count_exceeds_message)         /* header counts promise more records than fit */     \
    X(dns_record_limit_exceeded)         /* more records than the decoder's cap */             \
    X(dns_bad_rdata)                     /* RDATA malformed for its type (A not 4 bytes...) */

/// One named anomaly; `count_` is the number of names.
enum class anomaly : std::uint8_t {
#define PKTSCOPE_ANOMALY_ENUM(name) name,
    PKTSCOPE_ANOMALIES(PKTSCOPE_ANOMALY_ENUM)
#undef PKTSCOPE_ANOMALY_ENUM
        count_
};

inline constexpr std::size_t anomaly_count = static_cast<std::size_t>(anomaly::count_);

/// The stable snake_case name of `a` ("unknown" for out-of-range values).
std::string_view anomaly_name(anomaly a) noexcept;

/// A small set of anomalies (bitset); trivially copyable, no allocation.
class anomaly_set {
public:
    constexpr void add(anomaly a) noexcept {
        const auto i = static_cast<unsigned>(a);
        bits_[i / 64] |= std::uint64_t{1} << (i % 64);
    }
    constexpr bool contains(anomaly a) const noexcept {
        const auto i = static_cast<unsigned>(a);
        return (bits_[i / 64] >> (i % 64)) & 1U;
    }
    constexpr bool empty() const noexcept { return (bits_[0] | bits_[1]) == 0; }
    /// Calls f(anomaly) for each member in enum order.
    template <class F>
    constexpr void for_each(F&& f) const {
        for (std::size_t i = 0; i < anomaly_count; ++i)
            if ((bits_[i / 64] >> (i % 64)) & 1U) f(static_cast<anomaly>(i));
    }
    friend constexpr bool operator==(const anomaly_set&, const anomaly_set&) = default;

private:
    std::array<std::uint64_t, 2> bits_{};
};
static_assert(anomaly_count <= 128);

/// Per-name counters for a whole capture (for the `summary` record).
struct anomaly_counters {
    std::array<std::uint64_t, anomaly_count> counts{};
    void add(const anomaly_set& set) noexcept {
        set.for_each([this](anomaly a) { ++counts[static_cast<std::size_t>(a)]; });
    }
    std::uint64_t operator[](anomaly a) const noexcept { return counts[static_cast<std::size_t>(a)]; }
};

}  // namespace pktscope
