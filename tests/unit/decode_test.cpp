// decode.hpp: the driver over every supported link type (NULL and LOOP in both byte orders,
// EN10MB, LINUX_SLL/SLL2 in linux_sll_test.cpp, RAW as 101/12/14, IPV4/IPV6), its options,
// and the shape guarantees of decoded_packet (every view trivially copyable; each call
// overwrites the whole packet).
//
// Byte arrays checked with tshark 4.0 (tests/unit/cases_to_pcap.py): null.family and the
// IPv4/IPv6/ICMP layers tshark found under each link type. tshark reads NULL family 10 as
// plain data (BSD numbering); the decoder takes it as Linux's AF_INET6 on purpose.
#include "pktscope/decode.hpp"

#include <gtest/gtest.h>

#include <string>
#include <type_traits>
#include <vector>

#include "unit_support.hpp"

namespace pktscope::test {
namespace {

// Views are copied by value everywhere (result<T>, optionals in decoded_packet), never
// owning anything: all of them must stay trivially copyable.
static_assert(std::is_trivially_copyable_v<ethernet_view>);
static_assert(std::is_trivially_copyable_v<vlan_tag>);
static_assert(std::is_trivially_copyable_v<linux_sll_view>);
static_assert(std::is_trivially_copyable_v<ipv4_view>);
static_assert(std::is_trivially_copyable_v<ipv6_view>);
static_assert(std::is_trivially_copyable_v<ipv6_extension_chain>);
static_assert(std::is_trivially_copyable_v<tcp_view>);
static_assert(std::is_trivially_copyable_v<tcp_options>);
static_assert(std::is_trivially_copyable_v<udp_view>);
static_assert(std::is_trivially_copyable_v<icmp_view>);
static_assert(std::is_trivially_copyable_v<icmp_quote>);
static_assert(std::is_trivially_copyable_v<dns_message>);
static_assert(std::is_trivially_copyable_v<dns_question>);
static_assert(std::is_trivially_copyable_v<dns_record>);
static_assert(std::is_trivially_copyable_v<dns_edns>);
static_assert(std::is_trivially_copyable_v<dns_info>);
static_assert(std::is_trivially_copyable_v<dns_walker>);
static_assert(std::is_trivially_copyable_v<checksum_verdict>);
static_assert(std::is_trivially_copyable_v<anomaly_set>);
static_assert(std::is_trivially_copyable_v<frame>);
static_assert(std::is_trivially_copyable_v<result<tcp_view>>);
static_assert(std::is_trivially_copyable_v<decoded_packet>);

constexpr packet_case null_af_inet_little_endian{
    linktype::null,
    "02 00 00 00"  // family 2 (AF_INET), little-endian host
    "45 00 00 20 00 30 40 00 40 01 4e 76 c0 00 02 01 c6 33 64 02"  // IPv4
    "08 00 32 bf 00 77 00 03 61 62 63 64"};                        // ICMP echo request

constexpr packet_case null_af_inet_big_endian{
    linktype::null,
    "00 00 00 02"  // family 2 (AF_INET), big-endian host
    "45 00 00 20 00 30 40 00 40 01 4e 76 c0 00 02 01 c6 33 64 02"  // IPv4
    "08 00 32 bf 00 77 00 03 61 62 63 64"};                        // ICMP echo request

constexpr packet_case null_af_inet6_freebsd_28_little_endian{
    linktype::null,
    "1c 00 00 00"                                                  // family 28 (FreeBSD AF_INET6)
    "60 00 00 00 00 0c 3a 40 20 01 0d b8 00 00 00 00 00 00 00 00"  // IPv6
    "00 00 00 01 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"
    "80 00 5f 03 00 77 00 03 61 62 63 64"};  // ICMPv6 echo request

constexpr packet_case null_af_inet6_macos_30_big_endian{
    linktype::null,
    "00 00 00 1e"  // family 30 (macOS AF_INET6), big-endian host
    "60 00 00 00 00 0c 3a 40 20 01 0d b8 00 00 00 00 00 00 00 00"  // IPv6
    "00 00 00 01 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"
    "80 00 5f 03 00 77 00 03 61 62 63 64"};  // ICMPv6 echo request

constexpr packet_case null_af_inet6_openbsd_24_little_endian{
    linktype::null,
    "18 00 00 00"  // family 24 (NetBSD/OpenBSD AF_INET6)
    "60 00 00 00 00 0c 3a 40 20 01 0d b8 00 00 00 00 00 00 00 00"  // IPv6
    "00 00 00 01 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"
    "80 00 5f 03 00 77 00 03 61 62 63 64"};  // ICMPv6 echo request

constexpr packet_case null_af_inet6_linux_10_little_endian{
    linktype::null,
    "0a 00 00 00"                                                  // family 10 (Linux AF_INET6)
    "60 00 00 00 00 0c 3a 40 20 01 0d b8 00 00 00 00 00 00 00 00"  // IPv6
    "00 00 00 01 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"
    "80 00 5f 03 00 77 00 03 61 62 63 64"};  // ICMPv6 echo request

constexpr packet_case null_unknown_family_7{linktype::null,
                                            "07 00 00 00"  // family 7
                                            "00 01 02 03"};

constexpr packet_case loop_af_inet_network_order{
    linktype::loop,
    "00 00 00 02"                                                  // family 2 in network byte order
    "45 00 00 20 00 30 40 00 40 01 4e 76 c0 00 02 01 c6 33 64 02"  // IPv4
    "08 00 32 bf 00 77 00 03 61 62 63 64"};                        // ICMP echo request

constexpr packet_case loop_af_inet6_openbsd_24_network_order{
    linktype::loop,
    "00 00 00 18"  // family 24 in network byte order
    "60 00 00 00 00 0c 3a 40 20 01 0d b8 00 00 00 00 00 00 00 00"  // IPv6
    "00 00 00 01 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"
    "80 00 5f 03 00 77 00 03 61 62 63 64"};  // ICMPv6 echo request

constexpr packet_case raw_ipv4_icmp_echo{
    linktype::raw,
    "45 00 00 20 00 30 40 00 40 01 4e 76 c0 00 02 01 c6 33 64 02"  // IPv4
    "08 00 32 bf 00 77 00 03 61 62 63 64"};                        // ICMP echo request

constexpr packet_case raw_ipv6_icmpv6_echo{
    linktype::raw,
    "60 00 00 00 00 0c 3a 40 20 01 0d b8 00 00 00 00 00 00 00 00"  // IPv6
    "00 00 00 01 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"
    "80 00 5f 03 00 77 00 03 61 62 63 64"};  // ICMPv6 echo request

constexpr packet_case dlt12_raw_ipv4_icmp_echo{
    linktype::raw_dlt12,
    "45 00 00 20 00 30 40 00 40 01 4e 76 c0 00 02 01 c6 33 64 02"  // IPv4
    "08 00 32 bf 00 77 00 03 61 62 63 64"};                        // ICMP echo request

constexpr packet_case dlt14_raw_ipv6_icmpv6_echo{
    linktype::raw_dlt14,
    "60 00 00 00 00 0c 3a 40 20 01 0d b8 00 00 00 00 00 00 00 00"  // IPv6
    "00 00 00 01 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"
    "80 00 5f 03 00 77 00 03 61 62 63 64"};  // ICMPv6 echo request

constexpr packet_case linktype_ipv4_icmp_echo{
    linktype::ipv4,
    "45 00 00 20 00 30 40 00 40 01 4e 76 c0 00 02 01 c6 33 64 02"  // IPv4
    "08 00 32 bf 00 77 00 03 61 62 63 64"};                        // ICMP echo request

constexpr packet_case linktype_ipv6_icmpv6_echo{
    linktype::ipv6,
    "60 00 00 00 00 0c 3a 40 20 01 0d b8 00 00 00 00 00 00 00 00"  // IPv6
    "00 00 00 01 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"
    "80 00 5f 03 00 77 00 03 61 62 63 64"};  // ICMPv6 echo request

using strings = std::vector<std::string>;

// Every echo request above is 192.0.2.1 > 198.51.100.2 (or 2001:db8::1 > ::2), id 0x77,
// sequence 3, with a correct checksum.
void expect_icmp_echo(const decoded_case& d, bool v6) {
    const auto& m = v6 ? d->icmpv6 : d->icmp;
    ASSERT_TRUE(m) << (v6 ? "no ICMPv6" : "no ICMP");
    EXPECT_EQ(m->identifier(), 0x77);
    EXPECT_EQ(m->sequence(), 3);
    EXPECT_EQ(d->l4_checksum.status, checksum_status::ok);
    EXPECT_EQ(d->ether_type, v6 ? ether_type::ipv6 : ether_type::ipv4);
    EXPECT_FALSE(d->ethernet);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

TEST(LinkNull, AfInetInEitherByteOrder) {
    for (const packet_case& c : {null_af_inet_little_endian, null_af_inet_big_endian}) {
        const auto d = decode_case(c);
        EXPECT_EQ(d->loopback_family, 2u);  // tshark: null.family 2 for both
        expect_icmp_echo(d, false);
    }
}

TEST(LinkNull, AfInet6OfEverySystem) {
    const std::pair<packet_case, std::uint32_t> cases[] = {
        {null_af_inet6_freebsd_28_little_endian, 28},
        {null_af_inet6_macos_30_big_endian, 30},
        {null_af_inet6_openbsd_24_little_endian, 24},
        {null_af_inet6_linux_10_little_endian, 10},
    };
    for (const auto& [c, family] : cases) {
        const auto d = decode_case(c);
        EXPECT_EQ(d->loopback_family, family);
        expect_icmp_echo(d, true);
    }
}

TEST(LinkNull, UnknownFamilyStopsQuietly) {
    const auto d = decode_case(null_unknown_family_7);
    EXPECT_EQ(d->loopback_family, 7u);
    EXPECT_FALSE(d->ipv4);
    EXPECT_FALSE(d->ipv6);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

TEST(LinkNull, ShorterThanTheFamily) {
    const auto d = decode_case({linktype::null, "02 00 00"});
    EXPECT_FALSE(d->loopback_family);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{"truncated_link_header"});
}

TEST(LinkLoop, FamilyInNetworkOrder) {
    const auto v4 = decode_case(loop_af_inet_network_order);
    EXPECT_EQ(v4->loopback_family, 2u);
    expect_icmp_echo(v4, false);
    const auto v6 = decode_case(loop_af_inet6_openbsd_24_network_order);
    EXPECT_EQ(v6->loopback_family, 24u);
    expect_icmp_echo(v6, true);
}

TEST(LinkRaw, VersionNibbleChoosesTheProtocol) {
    for (const packet_case& c : {raw_ipv4_icmp_echo, dlt12_raw_ipv4_icmp_echo}) {
        const auto d = decode_case(c);
        ASSERT_TRUE(d->ipv4) << c.linktype;
        expect_icmp_echo(d, false);
    }
    for (const packet_case& c : {raw_ipv6_icmpv6_echo, dlt14_raw_ipv6_icmpv6_echo}) {
        const auto d = decode_case(c);
        ASSERT_TRUE(d->ipv6) << c.linktype;
        expect_icmp_echo(d, true);
    }
}

TEST(LinkRaw, NeitherFourNorSix) {
    const auto d =
        decode_case({linktype::raw, "50 00 00 14 00 00 00 00 40 11 00 00 c0 00 02 01 c6 33 64 02"});
    EXPECT_FALSE(d->ipv4);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{"bad_ipv4_version"});
    const auto empty = decode_case({linktype::raw, ""});
    EXPECT_EQ(anomaly_names(empty->anomalies), strings{"truncated_link_header"});
}

TEST(LinkIpv4AndIpv6, FixedProtocol) {
    const auto v4 = decode_case(linktype_ipv4_icmp_echo);
    expect_icmp_echo(v4, false);
    const auto v6 = decode_case(linktype_ipv6_icmpv6_echo);
    expect_icmp_echo(v6, true);
    // LINKTYPE_IPV4 does not look at the version nibble: an IPv6 packet is a bad IPv4 one.
    const auto wrong = decode_case({linktype::ipv4, linktype_ipv6_icmpv6_echo.hex});
    EXPECT_EQ(anomaly_names(wrong->anomalies), strings{"bad_ipv4_version"});
}

TEST(LinkTypes, UnsupportedAndSupported) {
    const auto d = decode_case({127, "00 00 08 00 00 00 00 00"});
    EXPECT_EQ(anomaly_names(d->anomalies), strings{"unsupported_linktype"});
    for (int dlt : {0, 1, 12, 14, 101, 108, 113, 228, 229, 276})
        EXPECT_TRUE(linktype_supported(dlt)) << dlt;
    for (int dlt : {-1, 9, 105, 127, 192, 277}) EXPECT_FALSE(linktype_supported(dlt)) << dlt;
}

TEST(Decode, OverwritesThePreviousPacketEntirely) {
    const auto first = from_hex(linktype_ipv6_icmpv6_echo.hex);
    const auto second = from_hex("00 00 00 07 00 01");
    frame f;
    f.linktype = linktype::ipv6;
    f.data = first;
    f.caplen = f.wirelen = static_cast<std::uint32_t>(first.size());
    decoded_packet p;
    decode(f, p);
    ASSERT_TRUE(p.icmpv6);
    f.linktype = linktype::loop;
    f.data = second;
    f.caplen = static_cast<std::uint32_t>(second.size());
    f.wirelen = 100;
    decode(f, p);
    EXPECT_FALSE(p.ipv6);
    EXPECT_FALSE(p.icmpv6);
    EXPECT_EQ(p.l4_checksum.status, checksum_status::unverified);
    EXPECT_EQ(p.loopback_family, 7u);
    EXPECT_EQ(anomaly_names(p.anomalies), strings{"capture_truncated"});
    // The by-value form decodes the same.
    const decoded_packet copy = decode(f);
    EXPECT_EQ(copy.loopback_family, 7u);
    EXPECT_EQ(copy.anomalies, p.anomalies);
}

TEST(Decode, NeverReadsPastTheFrame) {
    // Every prefix of a packet with every layer: decoding a shorter capture must never look
    // at bytes past it (a sanitizer build catches any read; here the values must be sane).
    const auto full = from_hex(linktype_ipv6_icmpv6_echo.hex);
    for (std::size_t n = 0; n <= full.size(); ++n) {
        std::vector<std::byte> cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
        frame f;
        f.linktype = linktype::ipv6;
        f.data = cut;
        f.caplen = static_cast<std::uint32_t>(n);
        f.wirelen = static_cast<std::uint32_t>(full.size());
        const decoded_packet p = decode(f);
        if (n < full.size()) {
            EXPECT_TRUE(p.anomalies.contains(anomaly::capture_truncated)) << n;
        }
        if (p.icmpv6) {
            EXPECT_LE(p.icmpv6->bytes().size(), n) << n;
        }
    }
}

}  // namespace
}  // namespace pktscope::test
