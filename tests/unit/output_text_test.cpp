// output.hpp, text side: text_renderer lines, times and the text summary.
//
// The expected lines were compared with `tcpdump --nano -n [-v] -r` (tcpdump 4.99, TZ=UTC)
// on the same bytes (tests/unit/cases_to_pcap.py): where the line is tcpdump's, the test
// says so and checks it against tcpdump's text with only the documented differences
// applied (the decoder keeps no NOP/EOL option placeholders; AE prints as 'e').
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "pktscope/output.hpp"
#include "unit_support.hpp"

namespace pktscope::test {
namespace {

constexpr packet_case syn_with_mss_wscale_sackok_ts{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"  // Ethernet II: dst, src, type IPv4
    "45 00 00 3c 1c 46 40 00 40 06 32 3f c0 00 02 01 c6 33 64 02"    // IPv4, protocol 6
    "9c 40 00 50 b2 d0 5e 00 00 00 00 00 a0 02 fa f0 7d 1e 00 00"    // TCP fixed header
    "02 04 05 b4 04 02 08 0a 0a 1b 2c 3d 00 00 00 00 01 03 03 07"};  // TCP options

constexpr packet_case all_nine_flags_with_ae{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"  // Ethernet II: dst, src, type IPv4
    "45 00 00 28 1c 46 40 00 40 06 32 53 c0 00 02 01 c6 33 64 02"    // IPv4, protocol 6
    "13 88 17 70 00 00 00 01 00 00 00 02 51 ff 04 00 92 ac 00 07"};  // TCP fixed header

constexpr packet_case psh_ack_with_six_byte_payload{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"  // Ethernet II: dst, src, type IPv4
    "45 00 00 3a 1c 46 40 00 40 06 32 41 c0 00 02 01 c6 33 64 02"  // IPv4, protocol 6
    "9c 46 00 07 ff ff ff fa 00 00 00 64 80 18 01 f6 9c 41 00 00"  // TCP fixed header
    "01 01 08 0a 00 00 03 e8 00 00 07 d0"                          // TCP options
    "68 65 6c 6c 6f 0a"};                                          // payload

constexpr packet_case syn_with_timestamp_running_past_header{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"  // Ethernet II: dst, src, type IPv4
    "45 00 00 30 1c 46 40 00 40 06 32 4b c0 00 02 01 c6 33 64 02"  // IPv4, protocol 6
    "9c 43 00 50 00 00 00 09 00 00 00 00 70 02 ff ff f7 44 00 00"  // TCP fixed header
    "02 04 05 b4 08 0a 00 00"};                                    // TCP options

constexpr packet_case dns_query_www_example_com_a_edns_1232_do{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 48 1c 46 40 00 40 11 31 f5 c0 00 02 01 c6 33 64 35"  // IPv4
    "a0 28 00 35 00 34 e4 57"                                      // UDP 41000 > 53
    "be ef 01 20 00 01 00 00 00 00 00 01"  // DNS: id 0xbeef, RD, AD, 1 question, 1 additional
    "03 77 77 77 07 65 78 61 6d 70 6c 65 03 63 6f 6d 00 00 01 00"  // question www.example.com A IN
    "01"
    "00 00 29 04 d0 00 00 80 00 00 00"};  // OPT: udp 1232, DO

constexpr packet_case icmp_echo_request_id_0x1234_seq_7{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 24 00 40 40 00 40 01 4e 62 c0 00 02 01 c6 33 64 02"  // IPv4, protocol 1
    "08 00 54 2f 12 34 00 07"    // ICMP: echo request, id 0x1234, seq 7
    "61 62 63 64 65 66 67 68"};  // data

constexpr packet_case ipv4_header_checksum_0x1234_wrong{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 1d 00 09 40 00 40 11 12 34 c0 00 02 01 c6 33 64 02"  // IPv4: header checksum 0x1234
                                                                   // (wrong)
    "80 eb 00 09 00 09 21 b0"                                      // UDP
    "71"};                                                         // payload

constexpr packet_case ipv4_last_fragment_offset_16{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 34 42 42 00 02 40 11 4c 3e c0 00 02 01 c6 33 64 02"  // IPv4: id 0x4242, offset 2 (16
                                                                   // bytes)
    "08 09 0a 0b 0c 0d 0e 0f 10 11 12 13 14 15 16 17 18 19 1a 1b"  // remaining 32 data bytes, no
                                                                   // UDP header
    "1c 1d 1e 1f 20 21 22 23 24 25 26 27"};

constexpr packet_case vlan_8021q_vid_100_pcp_5_dei{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01"  // dst, src
    "81 00 b0 64"                          // 802.1Q tag: TCI pcp 5, DEI 1, vid 100
    "08 00"                                // type IPv4
    "45 00 00 20 00 10 40 00 40 01 4e 96 c0 00 02 01 c6 33 64 02"  // IPv4
    "08 00 06 fa 12 34 00 01 70 69 6e 67"};                        // ICMP echo request

constexpr packet_case sll_v1_outgoing_ipv4_tcp_syn{
    linktype::linux_sll,
    "00 04 00 01 00 06 02 00 00 00 00 01 00 00 08 00"  // SLL: outgoing, ARPHRD_ETHER, addr len 6,
                                                       // 02:00:00:00:00:01, protocol IPv4
    "45 00 00 28 00 20 40 00 40 06 4e 79 c0 00 02 01 c6 33 64 02"    // IPv4
    "9c 40 00 50 00 00 00 01 00 00 00 00 50 02 fa f0 2c 29 00 00"};  // TCP SYN

constexpr packet_case sll2_incoming_ifindex_3_ipv6_udp{
    linktype::linux_sll2,
    "86 dd 00 00 00 00 00 03 00 01 00 06 02 00 00 00 00 09 00 00"  // SLL2: protocol IPv6, ifindex
                                                                   // 3, ARPHRD_ETHER, to us, addr
                                                                   // len 6
    "60 00 00 00 00 0c 11 40 20 01 0d b8 00 00 00 00 00 00 00 00"  // IPv6
    "00 00 00 01 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"
    "a0 28 a4 10 00 0c 80 89 73 6c 6c 32"};  // UDP

/// The text line for `c` at 1700000000 s (22:13:20 UTC), without its newline.
std::string line_of(const packet_case& c, text_options options = {},
                    const packet_context& context = {}) {
    const auto d = decode_case(c);
    options.utc = true;
    text_renderer renderer(options);
    fmt::memory_buffer out;
    renderer.render(out, d.f, d.packet, context);
    std::string line = fmt::to_string(out);
    EXPECT_EQ(line.back(), '\n');
    EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line per packet";
    line.pop_back();
    return line;
}

/// tcpdump's line without the option placeholders the decoder does not keep.
std::string without_nops(std::string line) {
    for (const std::string nop : {"nop,", ",nop"})
        for (auto at = line.find(nop); at != std::string::npos; at = line.find(nop))
            line.erase(at, nop.size());
    return line;
}

TEST(TextRenderer, TcpSynAsTcpdumpPrintsIt) {
    const std::string tcpdump =
        "22:13:20.000000000 IP 192.0.2.1.40000 > 198.51.100.2.80: Flags [S], seq 3000000000, win "
        "64240, options [mss 1460,sackOK,TS val 169552957 ecr 0,nop,wscale 7], length 0";
    EXPECT_EQ(line_of(syn_with_mss_wscale_sackok_ts), without_nops(tcpdump));
}

TEST(TextRenderer, VerboseTcpSynAsTcpdumpVPrintsIt) {
    // tcpdump -v breaks the line after the IP part; here it stays one line.
    const std::string tcpdump =
        "22:13:20.000000000 IP (tos 0x0, ttl 64, id 7238, offset 0, flags [DF], proto TCP (6), "
        "length 60) 192.0.2.1.40000 > 198.51.100.2.80: Flags [S], cksum 0x7d1e (correct), seq "
        "3000000000, win 64240, options [mss 1460,sackOK,TS val 169552957 ecr 0,nop,wscale 7], "
        "length 0";
    text_options verbose;
    verbose.verbose = true;
    EXPECT_EQ(line_of(syn_with_mss_wscale_sackok_ts, verbose), without_nops(tcpdump));
}

TEST(TextRenderer, AllFlagLetters) {
    // tcpdump: [FSRP.UEW]; it has no letter for AE, printed here as 'e'.
    EXPECT_EQ(line_of(all_nine_flags_with_ae),
              "22:13:20.000000000 IP 192.0.2.1.5000 > 198.51.100.2.6000: Flags [FSRP.UEWe], seq 1, "
              "ack 2, win 1024, urg 7, length 0");
}

TEST(TextRenderer, SequenceRangeAcrossTheWrap) {
    const std::string tcpdump =
        "22:13:20.000000000 IP 192.0.2.1.40006 > 198.51.100.2.7: Flags [P.], seq 4294967290:0, "
        "ack 100, win 502, options [nop,nop,TS val 1000 ecr 2000], length 6";
    EXPECT_EQ(line_of(psh_ack_with_six_byte_payload), without_nops(tcpdump));
}

TEST(TextRenderer, AnomaliesCloseTheLine) {
    EXPECT_EQ(line_of(syn_with_timestamp_running_past_header),
              "22:13:20.000000000 IP 192.0.2.1.40003 > 198.51.100.2.80: Flags [S], seq 9, win "
              "65535, options [mss 1460], length 0 [tcp_option_overrun]");
}

TEST(TextRenderer, DnsQueryAsTcpdumpPrintsIt) {
    EXPECT_EQ(line_of(dns_query_www_example_com_a_edns_1232_do),
              "22:13:20.000000000 IP 192.0.2.1.41000 > 198.51.100.53.53: 48879+ [1au] A? "
              "www.example.com. (44)");  // tcpdump: identical
}

TEST(TextRenderer, IcmpEchoAsTcpdumpPrintsIt) {
    EXPECT_EQ(line_of(icmp_echo_request_id_0x1234_seq_7),
              "22:13:20.000000000 IP 192.0.2.1 > 198.51.100.2: ICMP echo request, id 4660, seq 7, "
              "length 16");  // tcpdump: identical
}

TEST(TextRenderer, BadIpv4ChecksumShowsTheHeaderAsTcpdumpV) {
    // tcpdump -v: "IP (tos 0x0, ttl 64, id 9, offset 0, flags [DF], proto UDP (17), length 29,
    // bad cksum 1234 (->4e90)!)" then "192.0.2.1.33003 > 198.51.100.2.9: UDP, length 1".
    EXPECT_EQ(line_of(ipv4_header_checksum_0x1234_wrong),
              "22:13:20.000000000 IP (tos 0x0, ttl 64, id 9, offset 0, flags [DF], proto UDP (17), "
              "length 29, bad cksum 1234 (->4e90)!) 192.0.2.1.33003 > 198.51.100.2.9: UDP, length "
              "1 [bad_ipv4_checksum]");
}

TEST(TextRenderer, LaterFragment) {
    EXPECT_EQ(line_of(ipv4_last_fragment_offset_16),
              "22:13:20.000000000 IP 192.0.2.1 > 198.51.100.2: frag id 16962, offset 16, proto UDP "
              "(17), length 32");
}

TEST(TextRenderer, VlanTagsLeadTheLine) {
    // tcpdump -e: "vlan 100, p 5, DEI, ethertype IPv4 (0x0800), 192.0.2.1 > ...".
    EXPECT_EQ(line_of(vlan_8021q_vid_100_pcp_5_dei),
              "22:13:20.000000000 vlan 100, p 5, IP 192.0.2.1 > 198.51.100.2: ICMP echo request, "
              "id 4660, seq 1, length 12");
}

TEST(TextRenderer, CookedCaptureDirection) {
    // SLL v1 has no interface: the direction follows the time after one space.
    EXPECT_EQ(line_of(sll_v1_outgoing_ipv4_tcp_syn),
              "22:13:20.000000000 Out IP 192.0.2.1.40000 > 198.51.100.2.80: Flags [S], seq 1, win "
              "64240, length 0");
    // SLL2 names the interface index, or the name the capture knows it by.
    EXPECT_EQ(line_of(sll2_incoming_ifindex_3_ipv6_udp),
              "22:13:20.000000000 if3 In IP6 2001:db8::1.41000 > 2001:db8::2.42000: UDP, length 4");
    packet_context named;
    named.interface_name = "eth0";
    EXPECT_EQ(
        line_of(sll2_incoming_ifindex_3_ipv6_udp, {}, named),
        "22:13:20.000000000 eth0 In IP6 2001:db8::1.41000 > 2001:db8::2.42000: UDP, length 4");
}

TEST(TextRenderer, RouteAnnotation) {
    packet_context routed;
    routed.route = route_annotation{"198.51.100.0/24", "eth0", "192.0.2.254"};
    const std::string line = line_of(icmp_echo_request_id_0x1234_seq_7, {}, routed);
    EXPECT_TRUE(line.ends_with(", length 16 [route 198.51.100.0/24 dev eth0 via 192.0.2.254]"))
        << line;
}

TEST(TextRenderer, TimesInUtcIncludingBeforeTheEpoch) {
    text_options utc;
    utc.utc = true;
    text_renderer renderer(utc);
    fmt::memory_buffer out;
    renderer.append_time(out, 1'700'000'000'123'456'789);
    out.push_back(' ');
    renderer.append_time(out, 1'700'000'000'999'999'999);  // the cached second
    out.push_back(' ');
    renderer.append_time(out, 1'700'000'001'000'000'000);  // the next one
    out.push_back(' ');
    renderer.append_time(out, -1);  // 1969-12-31 23:59:59.999999999
    EXPECT_EQ(fmt::to_string(out),
              "22:13:20.123456789 22:13:20.999999999 22:13:21.000000000 23:59:59.999999999");
}

TEST(TextSummary, CountsAnomaliesAndCaptureStatistics) {
    capture_summary s;
    s.packets = 3;
    s.bytes = 180;
    anomaly_set a;
    a.add(anomaly::bad_tcp_checksum);
    s.anomalies.add(a);
    s.anomalies.add(a);
    fmt::memory_buffer out;
    render_summary_text(out, s);
    EXPECT_EQ(fmt::to_string(out), "3 packets, 180 bytes\n  bad_tcp_checksum: 2\n");
    s.stats = capture_stats{10, 2, 1};
    out.clear();
    render_summary_text(out, s);
    EXPECT_EQ(fmt::to_string(out),
              "3 packets, 180 bytes\n  bad_tcp_checksum: 2\n10 packets received by filter\n"
              "2 packets dropped by kernel\n1 packets dropped by interface\n");
}

}  // namespace
}  // namespace pktscope::test
