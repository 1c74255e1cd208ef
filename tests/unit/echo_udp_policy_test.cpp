// The UDP echo reply policy: each refusal reason on a hand-built case, and the cases that must
// be answered. Addresses and ports are the facts RFC 862/864/867 and the CERT advisory name.
#include <gtest/gtest.h>

#include "pktscope/echo_udp_policy.hpp"

namespace pktscope {
namespace {

udp_request_facts request(const char* source, std::uint16_t port, const char* destination) {
    udp_request_facts r;
    r.source = *make_socket_address(source, port);
    if (destination != nullptr) r.destination = *make_socket_address(destination, 0);
    return r;
}

// An IPv4 peer as a dual-stack (AF_INET6) socket reports it: ::ffff:a.b.c.d.
udp_request_facts mapped(const char* source4, std::uint16_t port, const char* destination4) {
    return request((std::string("::ffff:") + source4).c_str(), port,
                   (std::string("::ffff:") + destination4).c_str());
}

TEST(EchoUdpPolicy, OrdinaryLoopbackRequestsAreAnswered) {
    EXPECT_EQ(udp_reply_refusal(request("127.0.0.1", 40000, "127.0.0.1")), std::nullopt);
    EXPECT_EQ(udp_reply_refusal(request("::1", 40000, "::1")), std::nullopt);
    EXPECT_EQ(udp_reply_refusal(mapped("10.0.0.2", 40000, "10.0.0.1")), std::nullopt);
    EXPECT_EQ(udp_reply_refusal(request("fe80::1", 1024, "fe80::2")), std::nullopt);
}

TEST(EchoUdpPolicy, ReflectorSourcePortsAreRefused) {
    for (const int port_number : {0, 7, 13, 19, 53, 123, 161}) {
        const auto port = static_cast<std::uint16_t>(port_number);
        EXPECT_TRUE(is_reflector_port(port)) << port;
        EXPECT_EQ(udp_reply_refusal(request("127.0.0.1", port, "127.0.0.1")),
                  udp_drop_reason::reflector_source_port)
            << port;
        EXPECT_EQ(udp_reply_refusal(mapped("127.0.0.1", port, "127.0.0.1")),
                  udp_drop_reason::reflector_source_port);
    }
    for (const int port : {1, 6, 8, 52, 54, 122, 124, 160, 162, 6797, 65535})
        EXPECT_FALSE(is_reflector_port(static_cast<std::uint16_t>(port))) << port;
}

TEST(EchoUdpPolicy, BroadcastDestinationsAreRefused) {
    EXPECT_EQ(udp_reply_refusal(request("10.0.0.2", 40000, "255.255.255.255")),
              udp_drop_reason::broadcast_destination);
    // A subnet-directed broadcast looks like a unicast address; the kernel tells them apart
    // by giving a spec_dst different from the header destination.
    udp_request_facts directed = request("10.0.0.2", 40000, "10.0.0.255");
    EXPECT_EQ(udp_reply_refusal(directed), std::nullopt);
    directed.ipv4_not_local_unicast = true;
    EXPECT_EQ(udp_reply_refusal(directed), udp_drop_reason::broadcast_destination);
}

TEST(EchoUdpPolicy, MulticastDestinationsAreRefused) {
    EXPECT_EQ(udp_reply_refusal(request("10.0.0.2", 40000, "224.0.0.1")),
              udp_drop_reason::multicast_destination);
    EXPECT_EQ(udp_reply_refusal(request("10.0.0.2", 40000, "239.255.255.250")),
              udp_drop_reason::multicast_destination);
    EXPECT_EQ(udp_reply_refusal(mapped("10.0.0.2", 40000, "224.0.0.251")),
              udp_drop_reason::multicast_destination);
    EXPECT_EQ(udp_reply_refusal(request("fe80::1", 40000, "ff02::1")),
              udp_drop_reason::multicast_destination);
}

TEST(EchoUdpPolicy, ImpossibleSourcesAreRefused) {
    EXPECT_EQ(udp_reply_refusal(request("0.0.0.0", 40000, "127.0.0.1")),
              udp_drop_reason::invalid_source);
    EXPECT_EQ(udp_reply_refusal(request("224.0.0.1", 40000, "10.0.0.1")),
              udp_drop_reason::invalid_source);
    EXPECT_EQ(udp_reply_refusal(request("255.255.255.255", 40000, "10.0.0.1")),
              udp_drop_reason::invalid_source);
    EXPECT_EQ(udp_reply_refusal(request("::", 40000, "::1")), udp_drop_reason::invalid_source);
    EXPECT_EQ(udp_reply_refusal(request("ff02::1", 40000, "fe80::1")),
              udp_drop_reason::invalid_source);
}

TEST(EchoUdpPolicy, UnknownDestinationAndTruncationAreRefused) {
    EXPECT_EQ(udp_reply_refusal(request("127.0.0.1", 40000, nullptr)),
              udp_drop_reason::unknown_destination);
    udp_request_facts big = request("127.0.0.1", 40000, "127.0.0.1");
    big.truncated = true;
    EXPECT_EQ(udp_reply_refusal(big), udp_drop_reason::truncated);
}

TEST(EchoUdpPolicy, ReasonNamesAreSnakeCase) {
    EXPECT_EQ(udp_drop_reason_name(udp_drop_reason::reflector_source_port),
              "reflector_source_port");
    EXPECT_EQ(udp_drop_reason_name(udp_drop_reason::rate_limited_total), "rate_limited_total");
}

}  // namespace
}  // namespace pktscope
