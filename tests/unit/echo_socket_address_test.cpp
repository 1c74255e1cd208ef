// socket_address: built from text, formatted back, checked against the C library's
// inet_pton/inet_ntop and hand-written expectations.
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <cstring>

#include "pktscope/echo_payload.hpp"
#include "pktscope/socket_address.hpp"

namespace pktscope {
namespace {

TEST(SocketAddress, Ipv4RoundTripMatchesInetPton) {
    const auto a = make_socket_address("192.0.2.33", 6797);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->family(), AF_INET);
    EXPECT_EQ(a->port(), 6797);
    in_addr expected{};
    ASSERT_EQ(inet_pton(AF_INET, "192.0.2.33", &expected), 1);
    EXPECT_EQ(reinterpret_cast<const sockaddr_in*>(a->get())->sin_addr.s_addr, expected.s_addr);
    EXPECT_EQ(to_string(*a), "192.0.2.33:6797");
}

TEST(SocketAddress, Ipv6IsBracketed) {
    const auto a = make_socket_address("2001:db8::1", 443);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->family(), AF_INET6);
    in6_addr expected{};
    ASSERT_EQ(inet_pton(AF_INET6, "2001:db8::1", &expected), 1);
    EXPECT_EQ(
        std::memcmp(&reinterpret_cast<const sockaddr_in6*>(a->get())->sin6_addr, &expected, 16), 0);
    EXPECT_EQ(to_string(*a), "[2001:db8::1]:443");
    EXPECT_FALSE(ipv4_of(*a));
}

TEST(SocketAddress, MappedIpv4ShowsAsIpv4) {
    const auto a = make_socket_address("::ffff:127.0.0.1", 5000);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->family(), AF_INET6);
    ASSERT_TRUE(ipv4_of(*a));
    EXPECT_EQ(ipv4_of(*a)->value, 0x7f000001U);
    EXPECT_FALSE(ipv6_of(*a));
    EXPECT_EQ(to_string(*a), "127.0.0.1:5000");
}

TEST(SocketAddress, RejectsNames) {
    EXPECT_FALSE(make_socket_address("localhost", 1));
    EXPECT_FALSE(make_socket_address("127.0.0.256", 1));
    EXPECT_FALSE(make_socket_address("", 1));
    EXPECT_EQ(to_string(socket_address{}), "-");
}

TEST(EchoPayload, HeaderThenAlphabet) {
    std::byte buf[20];
    fill_echo_payload(buf, 1, 2);
    // "c1m2:" then the alphabet from letter (1 + 2) % 26 = 'd', 15 letters.
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(buf), sizeof buf), "c1m2:defghijklmnopqr");
    std::byte wrap[40];
    fill_echo_payload(wrap, 0, 25);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(wrap), sizeof wrap),
              "c0m25:zabcdefghijklmnopqrstuvwxyzabcdefg");  // 6 + 34 bytes
    std::byte tiny[3];
    fill_echo_payload(tiny, 123, 456);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(tiny), sizeof tiny), "c12");
}

}  // namespace
}  // namespace pktscope
