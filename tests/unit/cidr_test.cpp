// CIDR helpers: parsing (strict and normalising), masks, network/broadcast, host ranges and
// counts, containment and overlap. Expected values are the textbook ones (RFC 4632, RFC 3021)
// and were checked by hand and with Python's ipaddress module.
#include "pktscope/cidr.hpp"

#include <gtest/gtest.h>

namespace pktscope {
namespace {

ipv4_address a4(const char* text) {
    ipv4_address a;
    EXPECT_TRUE(parse_ipv4(text, a)) << text;
    return a;
}

TEST(Cidr, TextbookSlash27) {
    ipv4_address a;
    std::uint8_t len = 0;
    ASSERT_TRUE(parse_address_and_length("192.168.122.5/27", a, len));
    EXPECT_EQ(len, 27);
    EXPECT_EQ(to_string(netmask_v4(len)), "255.255.255.224");
    EXPECT_EQ(to_string(hostmask_v4(len)), "0.0.0.31");
    EXPECT_EQ(to_string(network_of(a, len)), "192.168.122.0");
    EXPECT_EQ(to_string(host_part_of(a, len)), "0.0.0.5");
    EXPECT_EQ(to_string(last_address_of(a, len)), "192.168.122.31");
    const ipv4_host_range r = host_range_of(a, len);
    EXPECT_EQ(to_string(r.first), "192.168.122.1");
    EXPECT_EQ(to_string(r.last), "192.168.122.30");
    EXPECT_EQ(r.count, 30U);
    EXPECT_EQ(address_count_v4(len), 32U);
}

TEST(Cidr, TextbookSlash30HasFourAddressesTwoHosts) {
    EXPECT_EQ(address_count_v4(30), 4U);
    const ipv4_host_range r = host_range_of(a4("192.168.122.0"), 30);
    EXPECT_EQ(to_string(r.first), "192.168.122.1");
    EXPECT_EQ(to_string(r.last), "192.168.122.2");
    EXPECT_EQ(r.count, 2U);
}

TEST(Cidr, PointToPointAndHostPrefixes) {
    // RFC 3021: both addresses of a /31 are hosts; a /32 is its one host.
    const ipv4_host_range r31 = host_range_of(a4("10.0.0.1"), 31);
    EXPECT_EQ(to_string(r31.first), "10.0.0.0");
    EXPECT_EQ(to_string(r31.last), "10.0.0.1");
    EXPECT_EQ(r31.count, 2U);
    const ipv4_host_range r32 = host_range_of(a4("10.0.0.7"), 32);
    EXPECT_EQ(to_string(r32.first), "10.0.0.7");
    EXPECT_EQ(r32.count, 1U);
    EXPECT_EQ(address_count_v4(0), 4294967296ULL);
    EXPECT_EQ(host_range_of(a4("1.2.3.4"), 0).count, 4294967294ULL);
}

TEST(Cidr, ParseRejectsOrNormalisesHostBits) {
    ipv4_prefix p;
    EXPECT_EQ(parse_prefix("10.1.2.3/8", p), prefix_parse_status::host_bits_set);
    EXPECT_EQ(parse_prefix("10.1.2.3/8", p, host_bits_policy::clear),
              prefix_parse_status::host_bits_cleared);
    EXPECT_EQ(to_string(p), "10.0.0.0/8");
    EXPECT_EQ(parse_prefix("10.0.0.0/8", p), prefix_parse_status::ok);
    EXPECT_EQ(parse_prefix("10.0.0.1", p), prefix_parse_status::ok);
    EXPECT_EQ(to_string(p), "10.0.0.1/32");
    EXPECT_EQ(parse_prefix("10.0.0.0/33", p), prefix_parse_status::bad_length);
    EXPECT_EQ(parse_prefix("10.0.0.0/", p), prefix_parse_status::bad_length);
    EXPECT_EQ(parse_prefix("10.0.0.0/+8", p), prefix_parse_status::bad_length);
    EXPECT_EQ(parse_prefix("10.0.0.0/0008", p), prefix_parse_status::bad_length);
    EXPECT_EQ(parse_prefix("10.0.0/8", p), prefix_parse_status::bad_address);
    EXPECT_EQ(parse_prefix("2001:db8::/32", p), prefix_parse_status::bad_address);
    EXPECT_FALSE(describe(prefix_parse_status::host_bits_set).empty());
}

TEST(Cidr, Ipv6Forms) {
    ipv6_prefix p;
    ASSERT_EQ(parse_prefix("2001:DB8::/32", p), prefix_parse_status::ok);
    EXPECT_EQ(to_string(p), "2001:db8::/32");
    EXPECT_EQ(parse_prefix("2001:db8::1/64", p), prefix_parse_status::host_bits_set);
    EXPECT_EQ(parse_prefix("2001:db8::/129", p), prefix_parse_status::bad_length);
    EXPECT_EQ(to_string(netmask_v6(36)), "ffff:ffff:f000::");
    ipv6_address a;
    std::uint8_t len = 0;
    ASSERT_TRUE(parse_address_and_length("2001:db8:abcd:12::5/60", a, len));
    EXPECT_EQ(to_string(network_of(a, len)), "2001:db8:abcd:10::");
    EXPECT_EQ(to_string(host_part_of(a, len)), "::2:0:0:0:5");
    EXPECT_EQ(to_string(last_address_of(a, len)), "2001:db8:abcd:1f:ffff:ffff:ffff:ffff");
    EXPECT_EQ(address_count_text(128, 64), "18446744073709551616");
    EXPECT_EQ(address_count_text(128, 0), "340282366920938463463374607431768211456");
    EXPECT_EQ(address_count_text(128, 128), "1");
}

TEST(Cidr, ContainsAndOverlaps) {
    ipv4_prefix a, b, c;
    ASSERT_EQ(parse_prefix("192.168.0.0/16", a), prefix_parse_status::ok);
    ASSERT_EQ(parse_prefix("192.168.1.32/27", b), prefix_parse_status::ok);
    ASSERT_EQ(parse_prefix("192.169.0.0/16", c), prefix_parse_status::ok);
    EXPECT_TRUE(contains(a, b));
    EXPECT_FALSE(contains(b, a));
    EXPECT_TRUE(overlaps(a, b));
    EXPECT_TRUE(overlaps(b, a));
    EXPECT_FALSE(overlaps(a, c));
    EXPECT_TRUE(contains(b, a4("192.168.1.63")));
    EXPECT_FALSE(contains(b, a4("192.168.1.64")));
    ipv4_prefix all;
    ASSERT_EQ(parse_prefix("0.0.0.0/0", all), prefix_parse_status::ok);
    EXPECT_TRUE(contains(all, a4("255.255.255.255")));
}

}  // namespace
}  // namespace pktscope
