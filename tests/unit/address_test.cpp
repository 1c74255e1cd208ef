// address.hpp: MAC/IPv4/IPv6 loads, their text forms and parsing, checked against glibc's
// inet_ntop/inet_pton (an independent implementation) on hand-picked and random inputs.
#include "pktscope/address.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "unit_support.hpp"

namespace pktscope::test {
namespace {

std::string glibc_ntop(const ipv6_address& a) {
    char buf[INET6_ADDRSTRLEN];
    EXPECT_NE(inet_ntop(AF_INET6, a.octets.data(), buf, sizeof buf), nullptr);
    return buf;
}

ipv6_address from_words(std::initializer_list<unsigned> words) {
    ipv6_address a;
    std::size_t i = 0;
    for (unsigned w : words) {
        a.octets[i++] = static_cast<std::uint8_t>(w >> 8);
        a.octets[i++] = static_cast<std::uint8_t>(w);
    }
    return a;
}

TEST(MacAddress, LoadAndText) {
    const auto bytes = from_hex("00 1b 21 3c 4d 5e ff");
    const mac_address m = load_mac(bytes, 0);
    EXPECT_EQ(text_of(m), "00:1b:21:3c:4d:5e");
    EXPECT_EQ(text_of(load_mac(bytes, 1)), "1b:21:3c:4d:5e:ff");
    EXPECT_EQ(load_mac(bytes, 2), mac_address{});  // 5 bytes left: zeros, no partial read
    char buf[mac_text_max + 1];
    EXPECT_EQ(format_to(buf, mac_address{{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}) - buf,
              static_cast<std::ptrdiff_t>(mac_text_max));
}

TEST(Ipv4Address, TextMatchesInetNtop) {
    std::mt19937 rng(4);
    for (int i = 0; i < 2000; ++i) {
        const std::uint32_t v = i < 4 ? std::uint32_t{0xffffffffu} * static_cast<unsigned>(i & 1)
                                      : static_cast<std::uint32_t>(rng());
        const in_addr in{htonl(v)};
        char expected[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &in, expected, sizeof expected);
        EXPECT_EQ(text_of(ipv4_address{v}), expected);
    }
    char buf[ipv4_text_max + 1];
    EXPECT_EQ(format_to(buf, ipv4_address{0xffffffffu}) - buf,
              static_cast<std::ptrdiff_t>(ipv4_text_max));
}

TEST(Ipv6Address, TextMatchesInetNtopOnEdgeCases) {
    const std::vector<ipv6_address> cases = {
        from_words({0, 0, 0, 0, 0, 0, 0, 0}),                    // ::
        from_words({0, 0, 0, 0, 0, 0, 0, 1}),                    // ::1
        from_words({0x2001, 0xdb8, 0, 0, 0, 0, 0, 1}),           // longest run compressed
        from_words({0x2001, 0xdb8, 0, 1, 0, 0, 0, 1}),           // the longer of two runs
        from_words({0x2001, 0xdb8, 0, 0, 1, 0, 0, 1}),           // the first of equal runs
        from_words({0x2001, 0xdb8, 0, 1, 1, 1, 1, 1}),           // one zero word stays "0"
        from_words({1, 0, 0, 0, 0, 0, 0, 0}),                    // 1::
        from_words({0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0201}),     // ::ffff:192.0.2.1
        from_words({0, 0, 0, 0, 0, 0, 0xc000, 0x0201}),          // ::192.0.2.1
        from_words({0, 0, 0, 0, 0, 0xffff, 0, 0}),               // ::ffff:0.0.0.0
        from_words({0, 0, 0, 0, 1, 0xffff, 0xc000, 0x0201}),     // no embedded form
        from_words({0x64, 0xff9b, 0, 0, 0, 0, 0xc000, 0x0201}),  // NAT64 stays hex
        from_words({0xfe80, 0, 0, 0, 0x0211, 0x22ff, 0xfe33, 0x4455}),
        from_words({0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff}),
    };
    for (const ipv6_address& a : cases) EXPECT_EQ(text_of(a), glibc_ntop(a));
}

TEST(Ipv6Address, TextMatchesInetNtopOnRandomZeroPatterns) {
    std::mt19937 rng(6);
    for (int i = 0; i < 20000; ++i) {
        ipv6_address a;
        const unsigned zero_mask = static_cast<unsigned>(rng());
        for (std::size_t w = 0; w < 8; ++w) {
            const bool zero = (zero_mask >> w) & 1U;
            const auto v =
                zero ? 0U : static_cast<unsigned>(rng()) & ((rng() & 1U) ? 0xffffU : 0xfU);
            a.octets[2 * w] = static_cast<std::uint8_t>(v >> 8);
            a.octets[2 * w + 1] = static_cast<std::uint8_t>(v);
        }
        if ((zero_mask >> 8) % 8 == 0) {  // now and then an IPv4-mapped or -compatible one
            for (std::size_t k = 0; k < 10; ++k) a.octets[k] = 0;
            a.octets[10] = a.octets[11] = (zero_mask >> 11) & 1U ? 0xff : 0;
        }
        const std::string text = text_of(a);
        ASSERT_EQ(text, glibc_ntop(a)) << "case " << i;
        ASSERT_LE(text.size(), ipv6_text_max);
    }
}

TEST(Ipv4Address, ParseAcceptsWhatInetPtonAccepts) {
    for (const char* text : {"0.0.0.0", "192.0.2.1", "255.255.255.255", "10.0.0.255"}) {
        ipv4_address a;
        in_addr in{};
        ASSERT_EQ(inet_pton(AF_INET, text, &in), 1) << text;
        ASSERT_TRUE(parse_ipv4(text, a)) << text;
        EXPECT_EQ(a.value, ntohl(in.s_addr)) << text;
    }
}

TEST(Ipv4Address, ParseRejectsWhatInetPtonRejects) {
    for (const char* text :
         {"", "1.2.3", "1.2.3.4.", "1.2.3.4.5", "256.1.1.1", "1.2.3.-4", "1..2.3", " 1.2.3.4",
          "1.2.3.4 ", "0x1.2.3.4", "1.2.3.4/24", "01.2.3.4", "1.2.3.010", "1.2.3.0000"}) {
        ipv4_address a;
        in_addr in{};
        EXPECT_EQ(inet_pton(AF_INET, text, &in), 0) << text;
        EXPECT_FALSE(parse_ipv4(text, a)) << '"' << text << '"';
    }
}

TEST(Ipv6Address, ParseAgreesWithInetPtonOnHandPickedText) {
    for (const char* text :
         {"::", "::1", "1::", "2001:db8::1", "2001:db8:0:0:1:0:0:1", "::ffff:192.0.2.1",
          "::192.0.2.1", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:1.2.3.4", "::2:3:4:5:6:7:8",
          "1:2:3:4:5:6:7::", "fe80::211:22ff:fe33:4455", "FFFF::", "1::2:3:4:5:6:7",
          // and malformed ones
          "", ":", ":::", "1:2:3:4:5:6:7:8:9", "1::2::3", ":1::2", "1::2:", "12345::",
          "1:2:3:4:5:6:7", "::ffff:1.2.3", "::1.2.3.4:5", "g::1", "1:2:3:4:5:6:7:1.2.3.4",
          "::ffff:256.0.0.1", "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8", "2001:db8::1/64"}) {
        in6_addr in{};
        ipv6_address a;
        const bool expected = inet_pton(AF_INET6, text, &in) == 1;
        ASSERT_EQ(parse_ipv6(text, a), expected) << '"' << text << '"';
        if (expected) {
            EXPECT_EQ(0, std::memcmp(a.octets.data(), &in, 16)) << text;
        }
    }
}

TEST(Ipv6Address, ParseAgreesWithInetPtonOnRandomText) {
    // Short strings over the address alphabet: almost all malformed, a few valid.
    std::mt19937 rng(8);
    const std::string alphabet = "0123456789abcdef::::..";
    int valid = 0;
    for (int i = 0; i < 200000; ++i) {
        std::string text;
        const std::size_t n = rng() % 16;
        for (std::size_t k = 0; k < n; ++k) text += alphabet[rng() % alphabet.size()];
        in6_addr in{};
        ipv6_address a;
        const bool expected = inet_pton(AF_INET6, text.c_str(), &in) == 1;
        ASSERT_EQ(parse_ipv6(text, a), expected) << '"' << text << '"';
        if (expected) {
            ++valid;
            ASSERT_EQ(0, std::memcmp(a.octets.data(), &in, 16)) << text;
        }
    }
    EXPECT_GT(valid, 100);
}

TEST(Ipv6Address, ParseRoundTripsFormat) {
    std::mt19937 rng(10);
    for (int i = 0; i < 5000; ++i) {
        ipv6_address a;
        for (auto& o : a.octets) o = (rng() % 3 == 0) ? 0 : static_cast<std::uint8_t>(rng());
        ipv6_address back;
        ASSERT_TRUE(parse_ipv6(text_of(a), back)) << text_of(a);
        ASSERT_EQ(back, a) << text_of(a);
    }
}

TEST(Ipv6Address, LoadNeedsSixteenBytes) {
    const auto bytes = from_hex("20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01");
    EXPECT_EQ(text_of(load_ipv6(bytes, 0)), "2001:db8::1");
    EXPECT_EQ(load_ipv6(bytes, 1), ipv6_address{});
}

}  // namespace
}  // namespace pktscope::test
