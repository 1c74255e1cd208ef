// output.hpp, JSON side: `packet` records as DESIGN.md's schema lays them out, parsed back
// with nlohmann-json; plus the `meta` and `summary` records.
//
// The values expected are tshark 4.0's for the same bytes (tests/unit/cases_to_pcap.py):
// ip.*, tcp.*, tcp.options.*, dns.*, the quoted ip/udp inside ICMP, ipv6.fraghdr.*,
// vlan.*/ieee8021ad.*, sll.*.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "pktscope/output.hpp"
#include "unit_support.hpp"

namespace pktscope::test {
namespace {

using nlohmann::json;

constexpr packet_case syn_with_mss_wscale_sackok_ts{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"  // Ethernet II: dst, src, type IPv4
    "45 00 00 3c 1c 46 40 00 40 06 32 3f c0 00 02 01 c6 33 64 02"    // IPv4, protocol 6
    "9c 40 00 50 b2 d0 5e 00 00 00 00 00 a0 02 fa f0 7d 1e 00 00"    // TCP fixed header
    "02 04 05 b4 04 02 08 0a 0a 1b 2c 3d 00 00 00 00 01 03 03 07"};  // TCP options

constexpr packet_case dns_response_with_every_decoded_type{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 01 8a 1c 46 40 00 40 11 30 b3 c6 33 64 35 c0 00 02 01"  // IPv4
    "00 35 a0 28 01 76 cb 15"                                      // UDP 53 > 41000
    "1a 2b 81 80 00 01 00 09 00 02 00 02"  // DNS: id 0x1a2b, QR RD RA, counts 1/9/2/2
    "07 65 78 61 6d 70 6c 65 03 63 6f 6d 00 00 01 00 01"           // question example.com A
    "03 77 77 77 c0 0c 00 05 00 01 00 00 01 2c 00 06 03 77 65 62"  // answers CNAME A AAAA MX TXT
                                                                   // SRV CAA PTR TYPE65280;
                                                                   // authority NS SOA; additional A
                                                                   // OPT
    "c0 0c c0 2d 00 01 00 01 00 00 00 3c 00 04 c0 00 02 50 c0 2d"
    "00 1c 00 01 00 00 00 3c 00 10 20 01 0d b8 00 00 00 00 00 00"
    "00 00 00 00 00 80 c0 0c 00 0f 00 01 00 00 0e 10 00 09 00 0a"
    "04 6d 61 69 6c c0 0c c0 0c 00 10 00 01 00 00 0e 10 00 1a 0b"
    "76 3d 73 70 66 31 20 2d 61 6c 6c 0d 73 65 63 6f 6e 64 20 73"
    "74 72 69 6e 67 04 5f 73 69 70 04 5f 75 64 70 c0 0c 00 21 00"
    "01 00 01 51 80 00 0c 00 0a 00 3c 13 c4 03 73 69 70 c0 0c c0"
    "0c 01 01 00 01 00 00 0e 10 00 16 00 05 69 73 73 75 65 6c 65"
    "74 73 65 6e 63 72 79 70 74 2e 6f 72 67 02 38 30 01 32 01 30"
    "03 31 39 32 07 69 6e 2d 61 64 64 72 04 61 72 70 61 00 00 0c"
    "00 01 00 00 0e 10 00 02 c0 2d c0 0c ff 00 00 01 00 00 00 05"
    "00 03 ab cd ef c0 0c 00 02 00 01 00 02 a3 00 00 06 03 6e 73"
    "31 c0 0c c0 0c 00 06 00 01 00 00 0e 10 00 23 c1 1e 0a 68 6f"
    "73 74 6d 61 73 74 65 72 c0 0c 78 a3 f1 75 00 00 1c 20 00 00"
    "0e 10 00 12 75 00 00 00 01 2c c1 1e 00 01 00 01 00 02 a3 00"
    "00 04 c6 33 64 35 00 00 29 04 d0 00 00 00 00 00 00"};

constexpr packet_case icmp_port_unreachable_quoting_udp{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 3d 00 42 40 00 40 01 4e 47 c6 33 64 02 c0 00 02 01"  // IPv4 198.51.100.2 > 192.0.2.1,
                                                                   // protocol 1
    "03 03 e9 52 00 00 00 00"                                      // ICMP: type 3 code 3
    "45 00 00 21 00 55 00 00 01 11 cd 40 c0 00 02 01 c6 33 64 02"  // quoted IPv4 192.0.2.1 >
                                                                   // 198.51.100.2, UDP
    "a0 28 82 9a 00 0d ac 04"                                      // quoted UDP 41000 > 33434
    "70 72 6f 62 65"};                                             // quoted data

constexpr packet_case ipv6_hop_by_hop_routing_destination_options_tcp{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 86 dd"                    // Ethernet II, type IPv6
    "60 00 00 00 00 3c 00 40 20 01 0d b8 00 00 00 00 00 00 00 00"  // IPv6: next header 0
    "00 00 00 01 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"
    "2b 00 01 04 00 00 00 00"                                      // hop-by-hop: next 43, PadN
    "3c 02 04 00 00 00 00 00 20 01 0d b8 00 00 00 00 00 00 00 00"  // routing: next 60, type 4
                                                                   // (SRH), 1 segment
    "00 00 00 02"
    "06 00 01 04 00 00 00 00"  // destination options: next 6, PadN
    "9c 40 01 bb 00 00 00 01 00 00 00 00 50 02 fd 20 b9 50 00 00"};  // TCP SYN

constexpr packet_case ipv6_first_fragment_of_udp{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 86 dd"                    // Ethernet II, type IPv6
    "60 00 00 00 00 18 2c 40 20 01 0d b8 00 00 00 00 00 00 00 00"  // IPv6: next header 44
    "00 00 00 01 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"
    "11 00 00 01 de ad be ef"    // fragment: next 17, offset 0, M, id 0xdeadbeef
    "9c 40 00 35 00 30 8a 12"    // UDP header: length 48 (whole datagram)
    "00 01 02 03 04 05 06 07"};  // first 8 data bytes

constexpr packet_case qinq_8021ad_vid_200_then_8021q_vid_300_ipv6{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01"                          // dst, src
    "88 a8 60 c8"                                                  // 802.1ad S-tag: pcp 3, vid 200
    "81 00 01 2c"                                                  // 802.1Q C-tag: vid 300
    "86 dd"                                                        // type IPv6
    "60 00 00 00 00 0c 11 40 20 01 0d b8 00 00 00 00 00 00 00 00"  // IPv6
    "00 00 00 01 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"
    "a0 28 a4 10 00 0c 80 4d 71 69 6e 71"};  // UDP

constexpr packet_case sll2_incoming_ifindex_3_ipv6_udp{
    linktype::linux_sll2,
    "86 dd 00 00 00 00 00 03 00 01 00 06 02 00 00 00 00 09 00 00"  // SLL2: protocol IPv6, ifindex
                                                                   // 3, ARPHRD_ETHER, to us, addr
                                                                   // len 6
    "60 00 00 00 00 0c 11 40 20 01 0d b8 00 00 00 00 00 00 00 00"  // IPv6
    "00 00 00 01 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"
    "a0 28 a4 10 00 0c 80 89 73 6c 6c 32"};  // UDP

constexpr packet_case tcp_checksum_wrong{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                      // Ethernet II
    "45 00 00 28 1c 46 40 00 40 06 32 53 c0 00 02 01 c6 33 64 02"    // IPv4
    "9c 40 00 50 00 00 00 01 00 00 00 00 50 02 fa f0 de ad 00 00"};  // TCP: checksum 0xdead (wrong)

constexpr packet_case ack_with_two_sack_blocks{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"  // Ethernet II: dst, src, type IPv4
    "45 00 00 48 1c 46 40 00 40 06 32 33 c0 00 02 01 c6 33 64 02"  // IPv4, protocol 6
    "00 50 9c 40 00 00 01 f4 00 00 03 e9 d0 10 01 f5 8a ab 00 00"  // TCP fixed header
    "01 01 08 0a 00 01 e2 40 00 09 fb f1 01 01 05 12 00 00 03 e9"  // TCP options
    "00 00 07 d1 00 00 0b b9 00 00 0f a1"};

/// Renders `c` as one JSON line (with its newline).
std::string line_of(const packet_case& c, std::uint64_t frame_number = 1) {
    const auto d = decode_case(c);
    packet_context context;
    context.frame_number = frame_number;
    fmt::memory_buffer out;
    render_packet_json(out, d.f, d.packet, context);
    const std::string line = fmt::to_string(out);
    EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line per record";
    return line;
}

/// The record parsed back (object keys compare regardless of order).
json record_of(const packet_case& c, std::uint64_t frame_number = 1) {
    return json::parse(line_of(c, frame_number));
}

TEST(PacketJson, TypeFirstAndFrameFacts) {
    EXPECT_EQ(nlohmann::ordered_json::parse(line_of(syn_with_mss_wscale_sackok_ts)).begin().key(),
              "type");
    const auto r = record_of(syn_with_mss_wscale_sackok_ts, 7);
    EXPECT_EQ(r["type"], "packet");
    EXPECT_EQ(r["frame"], 7);
    EXPECT_EQ(r["ts_ns"], 1'700'000'000'000'000'000);
    EXPECT_EQ(r["caplen"], 74);
    EXPECT_EQ(r["wirelen"], 74);
    EXPECT_EQ(r["linktype"], 1);
    // Absent layers are absent, never null.
    for (const char* key : {"ipv6", "udp", "icmp", "icmpv6", "dns", "sll", "anomalies", "route"})
        EXPECT_FALSE(r.contains(key)) << key;
}

TEST(PacketJson, EthernetIpv4TcpWithOptions) {
    const auto r = record_of(syn_with_mss_wscale_sackok_ts);
    EXPECT_EQ(r["eth"]["src"], "02:00:00:00:00:01");
    EXPECT_EQ(r["eth"]["dst"], "02:00:00:00:00:02");
    EXPECT_EQ(r["eth"]["ether_type"], 0x0800);
    EXPECT_FALSE(r["eth"].contains("vlan"));
    const auto& ip = r["ipv4"];
    EXPECT_EQ(ip["src"], "192.0.2.1");
    EXPECT_EQ(ip["dst"], "198.51.100.2");
    EXPECT_EQ(ip["ttl"], 64);
    EXPECT_EQ(ip["ihl"], 5);
    EXPECT_EQ(ip["total_length"], 60);
    EXPECT_EQ(ip["identification"], 7238);  // tshark: ip.id 0x1c46
    EXPECT_EQ(ip["df"], true);
    EXPECT_EQ(ip["mf"], false);
    EXPECT_EQ(ip["fragment_offset"], 0);
    EXPECT_EQ(ip["protocol"], 6);
    EXPECT_EQ(ip["checksum"], (json{{"value", 0x323f}, {"status", "ok"}}));
    const auto& tcp = r["tcp"];
    EXPECT_EQ(tcp["sport"], 40000);
    EXPECT_EQ(tcp["dport"], 80);
    EXPECT_EQ(tcp["seq"], 3000000000u);
    EXPECT_EQ(tcp["ack"], 0);
    EXPECT_EQ(tcp["data_offset"], 10);
    EXPECT_EQ(tcp["flags"], json::array({"SYN"}));
    EXPECT_EQ(tcp["window"], 64240);
    EXPECT_EQ(tcp["urgent_pointer"], 0);
    EXPECT_EQ(tcp["payload_length"], 0);
    EXPECT_EQ(tcp["checksum"]["status"], "ok");
    EXPECT_EQ(tcp["options"], (json{{"mss", 1460},
                                    {"window_scale", 7},
                                    {"sack_permitted", true},
                                    {"timestamp", {{"tsval", 169552957}, {"tsecr", 0}}}}));
}

TEST(PacketJson, SackBlocks) {
    const auto r = record_of(ack_with_two_sack_blocks);
    EXPECT_EQ(r["tcp"]["flags"], json::array({"ACK"}));
    EXPECT_EQ(r["tcp"]["options"]["sack"], json::parse("[[1001,2001],[3001,4001]]"));
}

TEST(PacketJson, BadChecksumCarriesTheExpectedValueAndAnAnomaly) {
    const auto r = record_of(tcp_checksum_wrong);
    EXPECT_EQ(r["tcp"]["checksum"],
              (json{{"value", 0xdead}, {"status", "bad"}, {"expected", 0x2c29}}));
    EXPECT_EQ(r["anomalies"], json::array({"bad_tcp_checksum"}));
}

TEST(PacketJson, DnsSectionsAndEdns) {
    const auto r = record_of(dns_response_with_every_decoded_type);
    EXPECT_EQ(r["udp"]["sport"], 53);
    EXPECT_EQ(r["udp"]["length"], 374);
    const auto& dns = r["dns"];
    EXPECT_EQ(dns["id"], 0x1a2b);
    EXPECT_EQ(dns["qr"], true);
    EXPECT_EQ(dns["opcode"], 0);
    EXPECT_EQ(dns["aa"], false);
    EXPECT_EQ(dns["tc"], false);
    EXPECT_EQ(dns["rd"], true);
    EXPECT_EQ(dns["ra"], true);
    EXPECT_EQ(dns["rcode"], 0);
    EXPECT_EQ(dns["qdcount"], 1);
    EXPECT_EQ(dns["ancount"], 9);
    EXPECT_EQ(dns["nscount"], 2);
    EXPECT_EQ(dns["arcount"], 2);
    EXPECT_FALSE(dns.contains("transport"));  // UDP
    EXPECT_EQ(dns["questions"], json::parse(R"([{"name":"example.com","type":"A","class":1}])"));
    ASSERT_EQ(dns["answers"].size(), 9u);
    EXPECT_EQ(
        dns["answers"][0],
        json::parse(
            R"({"name":"www.example.com","type":"CNAME","ttl":300,"data":"web.example.com"})"));
    EXPECT_EQ(dns["answers"][4]["data"], R"("v=spf1 -all" "second string")");
    EXPECT_EQ(dns["answers"][8]["type"], "TYPE65280");
    EXPECT_EQ(dns["answers"][8]["data"], R"(\# 3 ABCDEF)");
    ASSERT_EQ(dns["authority"].size(), 2u);
    EXPECT_EQ(dns["authority"][1]["data"],
              "ns1.example.com hostmaster.example.com 2024010101 7200 3600 1209600 300");
    // OPT is reported as edns, not as an additional record.
    ASSERT_EQ(dns["additional"].size(), 1u);
    EXPECT_EQ(dns["additional"][0]["data"], "198.51.100.53");
    EXPECT_EQ(dns["edns"], json::parse(R"({"udp_size":1232,"do":false,"version":0})"));
}

TEST(PacketJson, IcmpErrorWithItsQuote) {
    const auto r = record_of(icmp_port_unreachable_quoting_udp);
    const auto& icmp = r["icmp"];
    EXPECT_EQ(icmp["type"], 3);
    EXPECT_EQ(icmp["code"], 3);
    EXPECT_EQ(icmp["checksum"]["status"], "ok");
    EXPECT_FALSE(icmp.contains("identifier"));
    EXPECT_EQ(icmp["quote"], json::parse(R"({"src":"192.0.2.1","dst":"198.51.100.2","ttl":1,
                                             "protocol":17,"sport":41000,"dport":33434})"));
}

TEST(PacketJson, Ipv6ExtensionHeaders) {
    const auto r = record_of(ipv6_hop_by_hop_routing_destination_options_tcp);
    const auto& ip = r["ipv6"];
    EXPECT_EQ(ip["src"], "2001:db8::1");
    EXPECT_EQ(ip["dst"], "2001:db8::2");
    EXPECT_EQ(ip["hop_limit"], 64);
    EXPECT_EQ(ip["payload_length"], 60);
    EXPECT_EQ(ip["next_header"], 0);
    EXPECT_EQ(ip["flow_label"], 0);
    EXPECT_EQ(
        ip["extension_headers"],
        json::parse(R"([{"type":0,"length":8},{"type":43,"length":24},{"type":60,"length":8}])"));
    EXPECT_EQ(ip["upper_protocol"], 6);
    EXPECT_FALSE(ip.contains("fragment"));
    EXPECT_EQ(r["tcp"]["dport"], 443);
}

TEST(PacketJson, Ipv6Fragment) {
    const auto r = record_of(ipv6_first_fragment_of_udp);
    EXPECT_EQ(r["ipv6"]["fragment"],
              json::parse(R"({"offset":0,"more":true,"identification":3735928559})"));
    EXPECT_EQ(r["udp"]["checksum"]["status"], "unverified");
}

TEST(PacketJson, VlanTagsInTheEthernetObject) {
    const auto r = record_of(qinq_8021ad_vid_200_then_8021q_vid_300_ipv6);
    EXPECT_EQ(r["eth"]["ether_type"], 0x88a8);
    EXPECT_EQ(r["eth"]["vlan"], json::parse(R"([{"vid":200,"pcp":3,"dei":false,"tpid":34984},
                                                {"vid":300,"pcp":0,"dei":false,"tpid":33024}])"));
}

TEST(PacketJson, CookedHeader) {
    const auto r = record_of(sll2_incoming_ifindex_3_ipv6_udp);
    EXPECT_FALSE(r.contains("eth"));
    EXPECT_EQ(r["linktype"], 276);
    EXPECT_EQ(r["sll"], json::parse(R"({"version":2,"packet_type":0,"direction":"In",
                                         "protocol":34525,"ifindex":3})"));
}

TEST(MetaAndSummaryJson, Records) {
    fmt::memory_buffer out;
    render_meta_json(out, "sniff", "x.pcap", 1);
    EXPECT_EQ(nlohmann::ordered_json::parse(fmt::to_string(out)).begin().key(), "type");
    const auto meta = json::parse(fmt::to_string(out));
    EXPECT_EQ(meta["type"], "meta");
    EXPECT_EQ(meta["schema_version"], json_schema_version);
    EXPECT_EQ(meta["tool"], "pktscope");
    EXPECT_EQ(meta["command"], "sniff");
    EXPECT_EQ(meta["source"], "x.pcap");
    EXPECT_EQ(meta["linktype"], 1);

    capture_summary s;
    s.packets = 2;
    s.bytes = 128;
    anomaly_set a;
    a.add(anomaly::dns_pointer_loop);
    s.anomalies.add(a);
    s.stats = capture_stats{5, 1, 0};
    out.clear();
    render_summary_json(out, s);
    EXPECT_EQ(nlohmann::ordered_json::parse(fmt::to_string(out)).begin().key(), "type");
    const auto summary = json::parse(fmt::to_string(out));
    EXPECT_EQ(summary["type"], "summary");
    EXPECT_EQ(summary["packets"], 2);
    EXPECT_EQ(summary["bytes"], 128);
    EXPECT_EQ(summary["anomalies"], json::parse(R"({"dns_pointer_loop":1})"));
    EXPECT_EQ(summary["capture"],
              json::parse(R"({"received":5,"dropped_kernel":1,"dropped_interface":0})"));
}

}  // namespace
}  // namespace pktscope::test
