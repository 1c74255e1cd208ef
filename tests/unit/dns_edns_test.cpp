// EDNS options (dns.hpp): the option walk, Client Subnet (RFC 7871 6) and COOKIE (RFC 7873 4)
// text forms, which dig prints as "CLIENT-SUBNET: 192.0.2.0/24/0" and "COOKIE: <hex>".
#include <gtest/gtest.h>

#include <vector>

#include "pktscope/dns.hpp"

namespace pktscope {
namespace {

std::vector<std::byte> bytes(std::initializer_list<int> v) {
    std::vector<std::byte> out;
    for (int b : v) out.push_back(static_cast<std::byte>(b));
    return out;
}

std::string subnet(const std::vector<std::byte>& data) {
    dns_rdata_text t;
    if (format_edns_client_subnet(data, t)) return "error";
    return std::string(t.view());
}

TEST(DnsEdns, ClientSubnetIpv4AndIpv6) {
    EXPECT_EQ(subnet(bytes({0, 1, 24, 0, 192, 0, 2})), "192.0.2.0/24/0");
    EXPECT_EQ(subnet(bytes({0, 1, 32, 24, 198, 51, 100, 7})), "198.51.100.7/32/24");
    EXPECT_EQ(subnet(bytes({0, 1, 0, 0})), "0.0.0.0/0/0");
    EXPECT_EQ(subnet(bytes({0, 2, 56, 0, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0x12})),
              "2001:db8:0:1200::/56/0");
}

TEST(DnsEdns, ClientSubnetErrors) {
    EXPECT_EQ(subnet(bytes({0, 1, 24})), "error");                    // shorter than 4
    EXPECT_EQ(subnet(bytes({0, 3, 8, 0, 1})), "error");               // unknown family
    EXPECT_EQ(subnet(bytes({0, 1, 33, 0, 1, 2, 3, 4, 5})), "error");  // prefix > 32
    EXPECT_EQ(subnet(bytes({0, 1, 24, 0, 192, 0})), "error");         // address too short
    EXPECT_EQ(subnet(bytes({0, 1, 8, 0, 10, 0})), "error");           // address too long
    EXPECT_EQ(subnet(bytes({0, 2, 129, 0})), "error");                // prefix > 128
}

TEST(DnsEdns, Cookie) {
    dns_rdata_text client, server;
    EXPECT_FALSE(format_edns_cookie(bytes({1, 2, 3, 4, 5, 6, 7, 0xab}), client, server));
    EXPECT_EQ(client.view(), "01020304050607ab");
    EXPECT_EQ(server.view(), "");
    client.clear();
    EXPECT_FALSE(format_edns_cookie(bytes({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}),
                                    client, server));
    EXPECT_EQ(server.view(), "090a0b0c0d0e0f10");
    EXPECT_EQ(format_edns_cookie(bytes({1, 2, 3}), client, server), anomaly::dns_bad_rdata);
    EXPECT_EQ(format_edns_cookie(bytes({1, 2, 3, 4, 5, 6, 7, 8, 9}), client, server),
              anomaly::dns_bad_rdata);  // a server cookie is 8 to 32 bytes
}

TEST(DnsEdns, OptionWalkStopsAtAnOverrun) {
    const auto rdata = bytes({0, 10, 0, 2, 0xaa, 0xbb, 0, 12, 0, 9, 0, 0});
    std::size_t offset = 0;
    dns_edns_option o;
    std::optional<anomaly> error;
    ASSERT_TRUE(next_edns_option(rdata, offset, o, error));
    EXPECT_EQ(o.code, 10);
    EXPECT_EQ(o.data.size(), 2u);
    EXPECT_FALSE(next_edns_option(rdata, offset, o, error));  // claims 9 bytes, has 2
    EXPECT_EQ(error, anomaly::dns_bad_rdata);
    std::size_t end = 0;
    std::optional<anomaly> none;
    EXPECT_FALSE(next_edns_option({}, end, o, none));
    EXPECT_FALSE(none.has_value());
}

}  // namespace
}  // namespace pktscope
