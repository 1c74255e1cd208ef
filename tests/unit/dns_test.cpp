// dns.hpp and DNS in decode(): the header, the allocation-free walker, name decompression
// (backward-only pointers, a hop cap, the 255-octet limit, RFC 1035 4.1.4 / 2.3.4), RDATA in
// dig's presentation form for A, AAAA, CNAME, NS, PTR, MX, TXT, SOA, SRV, CAA, OPT/EDNS
// (RFC 6891) and unknown types (RFC 3597), escaping of hostile label bytes, and counts that
// promise more than the message holds.
//
// Frames checked with tshark 4.0 (tests/unit/cases_to_pcap.py): dns.id, dns.flags,
// dns.count.*, dns.qry.name/type, dns.a, dns.aaaa, dns.cname, dns.ns, dns.ptr.domain_name,
// dns.mx.*, dns.txt, dns.soa.*, dns.srv.*, dns.caa.*, dns.rr.udp_payload_size, dns.resp.z.do.
#include "pktscope/dns.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "unit_support.hpp"

namespace pktscope::test {
namespace {

constexpr packet_case dns_query_www_example_com_a_edns_1232_do{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 48 1c 46 40 00 40 11 31 f5 c0 00 02 01 c6 33 64 35"  // IPv4
    "a0 28 00 35 00 34 e4 57"                                      // UDP 41000 > 53
    "be ef 01 20 00 01 00 00 00 00 00 01"  // DNS: id 0xbeef, RD, AD, 1 question, 1 additional
    "03 77 77 77 07 65 78 61 6d 70 6c 65 03 63 6f 6d 00 00 01 00"  // question www.example.com A IN
    "01"
    "00 00 29 04 d0 00 00 80 00 00 00"};  // OPT: udp 1232, DO

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

constexpr packet_case dns_over_tcp_query_example_org_aaaa{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 47 1c 46 40 00 40 06 32 01 c0 00 02 01 c6 33 64 35"  // IPv4
    "a0 29 00 35 00 00 03 e8 00 00 07 d0 50 18 01 f6 26 a4 00 00"  // TCP 41001 > 53, PSH ACK
    "00 1d"                                                        // DNS length prefix
    "01 02 01 00 00 01 00 00 00 00 00 00 07 65 78 61 6d 70 6c 65"  // DNS: id 0x0102, example.org
                                                                   // AAAA
    "03 6f 72 67 00 00 1c 00 01"};

constexpr packet_case mdns_response_printer_local_cache_flush{
    linktype::en10mb,
    "01 00 5e 00 00 fb 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 45 1c 46 40 00 ff 11 bc 5e c0 00 02 07 e0 00 00 fb"  // IPv4
    "14 e9 14 e9 00 31 04 77"                                      // UDP 5353 > 5353
    "00 00 84 00 00 00 00 01 00 00 00 00 07 70 72 69 6e 74 65 72"  // mDNS: response, printer.local
                                                                   // A 192.0.2.7, class IN with
                                                                   // cache flush
    "05 6c 6f 63 61 6c 00 00 01 80 01 00 00 00 78 00 04 c0 00 02"
    "07"};

constexpr packet_case dns_response_with_escape_sequences_in_name_and_txt{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 77 1c 46 40 00 40 11 31 c6 c6 33 64 35 c0 00 02 01"  // IPv4
    "00 35 a0 28 00 63 a1 bc"                                      // UDP
    "0b ad 81 80 00 01 00 01 00 00 00 00"                          // DNS: id 0x0bad, response
    "05 1b 5b 33 31 6d 01 7f 02 c2 9b 03 e2 80 ae 03 61 2e 62 0a"  // question: labels ESC[31m, DEL,
                                                                   // C2 9B (U+009B CSI), E2 80 AE
                                                                   // (U+202E), "a.b", "back\slash",
                                                                   // "sp ace", "example" TXT;
                                                                   // answer TXT with the same bytes
    "62 61 63 6b 5c 73 6c 61 73 68 06 73 70 20 61 63 65 07 65 78"
    "61 6d 70 6c 65 00 00 10 00 01 c0 0c 00 10 00 01 00 00 00 3c"
    "00 11 10 1b 5b 33 31 6d 72 65 64 7f c2 9b e2 80 ae 22 5c"};

constexpr packet_case dns_name_reached_through_64_pointers{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 c9 1c 46 40 00 40 11 31 74 c6 33 64 35 c0 00 02 01"  // IPv4
    "00 35 a0 28 00 b5 e9 32"                                      // UDP
    "0c 0c 81 80 00 01 00 02 00 00 00 00"                          // DNS: 1 question, 2 answers
    "01 61 00 00 01 00 01"                                         // question "a" A
    "c0 0c ff 00 00 01 00 00 00 00 00 7e"  // answer 1: owner -> "a", TYPE65280, RDLENGTH 126
    "c0 0c c0 1f c0 21 c0 23 c0 25 c0 27 c0 29 c0 2b c0 2d c0 2f"  // 63 pointers, each to the one
                                                                   // before, the first to "a"
    "c0 31 c0 33 c0 35 c0 37 c0 39 c0 3b c0 3d c0 3f c0 41 c0 43"
    "c0 45 c0 47 c0 49 c0 4b c0 4d c0 4f c0 51 c0 53 c0 55 c0 57"
    "c0 59 c0 5b c0 5d c0 5f c0 61 c0 63 c0 65 c0 67 c0 69 c0 6b"
    "c0 6d c0 6f c0 71 c0 73 c0 75 c0 77 c0 79 c0 7b c0 7d c0 7f"
    "c0 81 c0 83 c0 85 c0 87 c0 89 c0 8b c0 8d c0 8f c0 91 c0 93"
    "c0 95 c0 97 c0 99"
    "c0 9b"                                        // answer 2: owner = pointer to the last of them
    "00 01 00 01 00 00 00 3c 00 04 c0 00 02 09"};  // A 192.0.2.9

constexpr packet_case dns_name_reached_through_65_pointers{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 cb 1c 46 40 00 40 11 31 72 c6 33 64 35 c0 00 02 01"  // IPv4
    "00 35 a0 28 00 b7 49 6e"                                      // UDP
    "0c 0c 81 80 00 01 00 02 00 00 00 00"                          // DNS: 1 question, 2 answers
    "01 61 00 00 01 00 01"                                         // question "a" A
    "c0 0c ff 00 00 01 00 00 00 00 00 80"  // answer 1: owner -> "a", TYPE65280, RDLENGTH 128
    "c0 0c c0 1f c0 21 c0 23 c0 25 c0 27 c0 29 c0 2b c0 2d c0 2f"  // 64 pointers, each to the one
                                                                   // before, the first to "a"
    "c0 31 c0 33 c0 35 c0 37 c0 39 c0 3b c0 3d c0 3f c0 41 c0 43"
    "c0 45 c0 47 c0 49 c0 4b c0 4d c0 4f c0 51 c0 53 c0 55 c0 57"
    "c0 59 c0 5b c0 5d c0 5f c0 61 c0 63 c0 65 c0 67 c0 69 c0 6b"
    "c0 6d c0 6f c0 71 c0 73 c0 75 c0 77 c0 79 c0 7b c0 7d c0 7f"
    "c0 81 c0 83 c0 85 c0 87 c0 89 c0 8b c0 8d c0 8f c0 91 c0 93"
    "c0 95 c0 97 c0 99 c0 9b"
    "c0 9d"                                        // answer 2: owner = pointer to the last of them
    "00 01 00 01 00 00 00 3c 00 04 c0 00 02 09"};  // A 192.0.2.9

constexpr packet_case dns_query_name_of_255_octets{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 01 2b 1c 46 40 00 40 11 31 12 c0 00 02 01 c6 33 64 35"  // IPv4
    "a0 28 00 35 01 17 ee 95"                                      // UDP
    "02 55 01 00 00 01 00 00 00 00 00 00"                          // DNS: 1 question
    "3f 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61"  // name of labels 63+63+63+61
                                                                   // (255 octets with lengths and
                                                                   // root), A IN
    "61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61"
    "61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61"
    "61 61 61 61 3f 62 62 62 62 62 62 62 62 62 62 62 62 62 62 62"
    "62 62 62 62 62 62 62 62 62 62 62 62 62 62 62 62 62 62 62 62"
    "62 62 62 62 62 62 62 62 62 62 62 62 62 62 62 62 62 62 62 62"
    "62 62 62 62 62 62 62 62 3f 63 63 63 63 63 63 63 63 63 63 63"
    "63 63 63 63 63 63 63 63 63 63 63 63 63 63 63 63 63 63 63 63"
    "63 63 63 63 63 63 63 63 63 63 63 63 63 63 63 63 63 63 63 63"
    "63 63 63 63 63 63 63 63 63 63 63 63 3d 64 64 64 64 64 64 64"
    "64 64 64 64 64 64 64 64 64 64 64 64 64 64 64 64 64 64 64 64"
    "64 64 64 64 64 64 64 64 64 64 64 64 64 64 64 64 64 64 64 64"
    "64 64 64 64 64 64 64 64 64 64 64 64 64 64 00 00 01 00 01"};
using strings = std::vector<std::string>;

/// One record as text: "section owner TYPE ttl data".
struct record_text {
    dns_section section;
    std::string name;
    std::uint16_t type;
    std::uint32_t ttl;
    std::string data;
    bool operator==(const record_text&) const = default;
};

std::ostream& operator<<(std::ostream& os, const record_text& r) {
    return os << static_cast<int>(r.section) << ' ' << r.name << ' ' << r.type << ' ' << r.ttl
              << ' ' << r.data;
}

std::string name_at(byte_span msg, std::size_t offset) {
    dns_name_text text;
    const auto end = read_dns_name(msg, offset, &text);
    EXPECT_TRUE(end) << "offset " << offset;
    return std::string(text.view());
}

std::vector<record_text> records_of(const dns_message& m) {
    std::vector<record_text> out;
    dns_walker walker(m);
    dns_record r;
    while (walker.next_record(r)) {
        dns_rdata_text data;
        EXPECT_FALSE(format_dns_rdata(m.bytes(), r, data)) << r.type;
        out.push_back({r.section, name_at(m.bytes(), r.name_offset), r.type, r.ttl,
                       std::string(data.view())});
    }
    EXPECT_FALSE(walker.error());
    return out;
}

TEST(DnsMessage, QueryHeaderQuestionAndEdns) {
    const auto d = decode_case(dns_query_www_example_com_a_edns_1232_do);
    ASSERT_TRUE(d->dns);
    const dns_message& m = d->dns->message;
    EXPECT_EQ(m.id(), 0xbeef);
    EXPECT_EQ(m.flags(), 0x0120);
    EXPECT_FALSE(m.qr());
    EXPECT_EQ(m.opcode(), 0);
    EXPECT_FALSE(m.aa());
    EXPECT_FALSE(m.tc());
    EXPECT_TRUE(m.rd());
    EXPECT_FALSE(m.ra());
    EXPECT_FALSE(m.z());
    EXPECT_TRUE(m.ad());
    EXPECT_FALSE(m.cd());
    EXPECT_EQ(m.rcode(), 0);
    EXPECT_EQ(m.qdcount(), 1);
    EXPECT_EQ(m.ancount(), 0);
    EXPECT_EQ(m.nscount(), 0);
    EXPECT_EQ(m.arcount(), 1);
    EXPECT_FALSE(d->dns->over_tcp);
    EXPECT_TRUE(d->dns->complete);
    EXPECT_EQ(d->dns->questions_read, 1);
    EXPECT_EQ(d->dns->records_read, 1);

    dns_walker walker(m);
    dns_question q;
    ASSERT_TRUE(walker.next_question(q));
    EXPECT_EQ(name_at(m.bytes(), q.name_offset), "www.example.com");
    EXPECT_EQ(q.qtype, dns_type::a);
    EXPECT_EQ(q.qclass, 1);
    EXPECT_FALSE(walker.next_question(q));

    // tshark: dns.rr.udp_payload_size 1232, dns.resp.z.do 1.
    ASSERT_TRUE(d->dns->edns);
    EXPECT_EQ(d->dns->edns->udp_size, 1232);
    EXPECT_TRUE(d->dns->edns->do_bit);
    EXPECT_EQ(d->dns->edns->version, 0);
    EXPECT_EQ(d->dns->edns->extended_rcode, 0);
    EXPECT_EQ(d->dns->edns->options_length, 0);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

TEST(DnsRdata, EveryDecodedTypeAsDigPrintsIt) {
    const auto d = decode_case(dns_response_with_every_decoded_type);
    ASSERT_TRUE(d->dns);
    const dns_message& m = d->dns->message;
    EXPECT_TRUE(m.qr());
    EXPECT_TRUE(m.ra());
    EXPECT_EQ(m.ancount(), 9);
    EXPECT_EQ(m.nscount(), 2);
    EXPECT_EQ(m.arcount(), 2);
    EXPECT_TRUE(d->dns->complete);
    EXPECT_EQ(d->dns->records_read, 13);
    ASSERT_TRUE(d->dns->edns);
    EXPECT_EQ(d->dns->edns->udp_size, 1232);
    EXPECT_FALSE(d->dns->edns->do_bit);

    // Values as tshark decodes them (dns.cname, dns.a, dns.aaaa, dns.mx.*, dns.txt,
    // dns.srv.*, dns.caa.*, dns.ptr.domain_name, dns.ns, dns.soa.*); text in dig's
    // presentation form without the trailing dot.
    using s = dns_section;
    const std::vector<record_text> expected = {
        {s::answer, "www.example.com", dns_type::cname, 300, "web.example.com"},
        {s::answer, "web.example.com", dns_type::a, 60, "192.0.2.80"},
        {s::answer, "web.example.com", dns_type::aaaa, 60, "2001:db8::80"},
        {s::answer, "example.com", dns_type::mx, 3600, "10 mail.example.com"},
        {s::answer, "example.com", dns_type::txt, 3600, R"("v=spf1 -all" "second string")"},
        {s::answer, "_sip._udp.example.com", dns_type::srv, 86400, "10 60 5060 sip.example.com"},
        {s::answer, "example.com", dns_type::caa, 3600, R"(0 issue "letsencrypt.org")"},
        {s::answer, "80.2.0.192.in-addr.arpa", dns_type::ptr, 3600, "web.example.com"},
        {s::answer, "example.com", 65280, 5, R"(\# 3 ABCDEF)"},
        {s::authority, "example.com", dns_type::ns, 172800, "ns1.example.com"},
        {s::authority, "example.com", dns_type::soa, 3600,
         "ns1.example.com hostmaster.example.com 2024010101 7200 3600 1209600 300"},
        {s::additional, "ns1.example.com", dns_type::a, 172800, "198.51.100.53"},
        {s::additional, ".", dns_type::opt, 0, R"(\# 0)"},
    };
    EXPECT_EQ(records_of(m), expected);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

TEST(DnsMessage, OverTcpWithItsLengthPrefix) {
    const auto d = decode_case(dns_over_tcp_query_example_org_aaaa);
    ASSERT_TRUE(d->tcp);
    ASSERT_TRUE(d->dns);
    EXPECT_TRUE(d->dns->over_tcp);
    EXPECT_EQ(d->dns->message.id(), 0x0102);
    EXPECT_EQ(d->dns->message.bytes().size(), d->payload.size() - 2);
    dns_walker walker(d->dns->message);
    dns_question q;
    ASSERT_TRUE(walker.next_question(q));
    EXPECT_EQ(name_at(d->dns->message.bytes(), q.name_offset), "example.org");
    EXPECT_EQ(q.qtype, dns_type::aaaa);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

TEST(DnsMessage, TcpSegmentWithoutAWholeMessageIsNotDecoded) {
    // The same segment cut one byte short of its length prefix's promise.
    const auto d = decode_cut(dns_over_tcp_query_example_org_aaaa, 14 + 20 + 20 + 2 + 28);
    EXPECT_FALSE(d->dns);
}

TEST(DnsMessage, MulticastDnsOn5353WithTheCacheFlushBit) {
    const auto d = decode_case(mdns_response_printer_local_cache_flush);
    ASSERT_TRUE(d->dns);
    EXPECT_TRUE(d->dns->message.aa());
    dns_walker walker(d->dns->message);
    dns_record r;
    ASSERT_TRUE(walker.next_record(r));
    EXPECT_EQ(name_at(d->dns->message.bytes(), r.name_offset), "printer.local");
    EXPECT_EQ(r.rrclass, 0x8001);  // tshark: dns.resp.cache_flush 1
    EXPECT_EQ(dns_class_name(r.rrclass), "IN");
    EXPECT_EQ(r.ttl, 120u);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

TEST(DnsMessage, SnapshotCutIsNotMalformed) {
    const auto d = decode_cut(dns_response_with_every_decoded_type, 120);
    ASSERT_TRUE(d->dns);
    EXPECT_FALSE(d->dns->complete);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{"capture_truncated"});
}

TEST(DnsMessage, DecodeDnsOptionTurnsItOff) {
    decode_options no_dns;
    no_dns.decode_dns = false;
    const auto d = decode_case(dns_query_www_example_com_a_edns_1232_do, 0, no_dns);
    EXPECT_TRUE(d->udp);
    EXPECT_FALSE(d->dns);
}

TEST(DnsNames, HostileBytesAreEscapedAsDigDoes) {
    const auto d = decode_case(dns_response_with_escape_sequences_in_name_and_txt);
    ASSERT_TRUE(d->dns);
    const dns_message& m = d->dns->message;
    dns_walker walker(m);
    dns_question q;
    ASSERT_TRUE(walker.next_question(q));
    // ESC, DEL, U+009B (C2 9B), U+202E (E2 80 AE) as \DDD; '.' and '\' inside labels with a
    // backslash; space as \032 (RFC 1035 5.1, BIND's dns_name_totext).
    const std::string name = name_at(m.bytes(), q.name_offset);
    EXPECT_EQ(name, R"(\027[31m.\127.\194\155.\226\128\174.a\.b.back\\slash.sp\032ace.example)");
    dns_record r;
    ASSERT_TRUE(walker.next_record(r));
    EXPECT_EQ(name_at(m.bytes(), r.name_offset), name);
    dns_rdata_text txt;
    EXPECT_FALSE(format_dns_rdata(m.bytes(), r, txt));
    EXPECT_EQ(txt.view(), R"("\027[31mred\127\194\155\226\128\174\"\\")");
    for (char c : std::string(txt.view()) + name) {
        const auto u = static_cast<unsigned char>(c);
        EXPECT_TRUE(u >= 0x20 && u < 0x7f) << "raw byte " << int{u};
    }
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

TEST(DnsNames, SixtyFourPointerHopsAreFollowed) {
    const auto d = decode_case(dns_name_reached_through_64_pointers);
    ASSERT_TRUE(d->dns);
    EXPECT_TRUE(d->dns->complete);
    const auto records = records_of(d->dns->message);
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(records[1].name, "a");  // tshark: "a" as well
    EXPECT_EQ(records[1].data, "192.0.2.9");
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

TEST(DnsNames, SixtyFiveHopsExceedTheCap) {
    // Every pointer is backwards, so this is no loop: the hop cap alone stops the walk.
    const auto d = decode_case(dns_name_reached_through_65_pointers);
    ASSERT_TRUE(d->dns);
    EXPECT_FALSE(d->dns->complete);
    EXPECT_EQ(d->dns->records_read, 1);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{"dns_pointer_loop"});
}

TEST(DnsNames, TwoHundredFiftyFiveOctetsIsTheLimit) {
    const auto d = decode_case(dns_query_name_of_255_octets);
    ASSERT_TRUE(d->dns);
    dns_walker walker(d->dns->message);
    dns_question q;
    ASSERT_TRUE(walker.next_question(q));
    const std::string name = name_at(d->dns->message.bytes(), q.name_offset);
    EXPECT_EQ(name.size(), 253u);  // tshark: dns.qry.name.len 253
    EXPECT_EQ(name.substr(0, 3), "aaa");
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

// Message-level cases: 12-byte header (id 1, QDCOUNT 1) then the bytes under test.
std::vector<std::byte> message(std::string_view after_header) {
    auto bytes = from_hex("00 01 01 00 00 01 00 00 00 00 00 00");
    const auto rest = from_hex(after_header);
    bytes.insert(bytes.end(), rest.begin(), rest.end());
    return bytes;
}

TEST(DnsNames, ReadNameResults) {
    dns_name_text text;
    // Root name.
    auto m = message("00 00 01 00 01");
    auto end = read_dns_name(m, 12, &text);
    ASSERT_TRUE(end);
    EXPECT_EQ(*end, 13u);
    EXPECT_EQ(text.view(), ".");
    // "b" then a pointer back to "a" at 12: the end is just past the pointer.
    m = message("01 61 00  01 62 c0 0c");
    end = read_dns_name(m, 15, &text);
    ASSERT_TRUE(end);
    EXPECT_EQ(*end, 19u);
    EXPECT_EQ(text.view(), "b.a");
    // Without text, only the end offset.
    EXPECT_EQ(*read_dns_name(m, 15, nullptr), 19u);
    // A pointer into the header is backwards, so it is followed: byte 11 (ARCOUNT's low
    // byte, 0) reads as the root.
    m = message("c0 0b");
    end = read_dns_name(m, 12, &text);
    ASSERT_TRUE(end);
    EXPECT_EQ(*end, 14u);
    EXPECT_EQ(text.view(), ".");
    // A pointer cut in half.
    EXPECT_EQ(read_dns_name(message("c0"), 12, nullptr).error(), anomaly::dns_label_overrun);
    // Label type 10 (0x80) is reserved.
    EXPECT_EQ(read_dns_name(message("81 61 00"), 12, nullptr).error(), anomaly::dns_bad_label_type);
    // Pointer to itself, and pointer forward.
    EXPECT_EQ(read_dns_name(message("c0 0c"), 12, nullptr).error(), anomaly::dns_pointer_loop);
    EXPECT_EQ(read_dns_name(message("c0 0e 01 61 00"), 12, nullptr).error(),
              anomaly::dns_pointer_forward);
    // A pointer back into the name being read ("a" at 12, then a pointer to 12 at 14).
    EXPECT_EQ(read_dns_name(message("01 61 c0 0c"), 12, nullptr).error(),
              anomaly::dns_pointer_loop);
}

TEST(DnsRdata, MalformedRdataIsNamed) {
    // RDATA fixtures inside one message: "a" at 12, preference 10 at 15, "a" + pointer to 12
    // at 17, four zero bytes at 21 (25 bytes in all).
    const auto m = message("01 61 00  00 0a 01 61 c0 0c 00 00 00 00");
    auto check = [&](std::uint16_t type, std::uint16_t offset, std::uint16_t length) {
        dns_record r;
        r.type = type;
        r.rrclass = 1;
        r.rdata_offset = offset;
        r.rdata_length = length;
        dns_rdata_text out;
        const auto formatted = format_dns_rdata(m, r, out);
        EXPECT_EQ(formatted, check_dns_rdata(m, r)) << type;  // the same walk
        return formatted;
    };
    EXPECT_EQ(check(dns_type::a, 15, 3), anomaly::dns_bad_rdata);
    EXPECT_EQ(check(dns_type::aaaa, 15, 4), anomaly::dns_bad_rdata);
    EXPECT_EQ(check(dns_type::mx, 15, 2), anomaly::dns_bad_rdata);
    EXPECT_EQ(check(dns_type::mx, 15, 5), anomaly::dns_bad_rdata);  // name ends past it
    EXPECT_EQ(check(dns_type::mx, 15, 6), std::nullopt);            // "10 a.a"
    // The name "a" + pointer ends at 21, past a 3-byte RDATA.
    EXPECT_EQ(check(dns_type::cname, 17, 3), anomaly::dns_bad_rdata);
    EXPECT_EQ(check(dns_type::cname, 17, 4), std::nullopt);
    EXPECT_EQ(check(dns_type::txt, 15, 0), anomaly::dns_bad_rdata);
    EXPECT_EQ(check(dns_type::txt, 17, 2), std::nullopt);            // "a"
    EXPECT_EQ(check(dns_type::txt, 19, 2), anomaly::dns_bad_rdata);  // string of 192, 1 byte
    EXPECT_EQ(check(dns_type::soa, 17, 4), anomaly::dns_bad_rdata);
    EXPECT_EQ(check(dns_type::srv, 15, 6), anomaly::dns_bad_rdata);
    EXPECT_EQ(check(dns_type::caa, 15, 1), anomaly::dns_bad_rdata);
    EXPECT_EQ(check(dns_type::caa, 15, 3), anomaly::dns_bad_rdata);  // tag length 10 > 1
    EXPECT_EQ(check(dns_type::caa, 16, 3), std::nullopt);            // flags 10, tag "a"
    EXPECT_EQ(check(dns_type::a, 22, 4), anomaly::dns_record_overrun);
    EXPECT_EQ(check(65280, 15, 0), std::nullopt);

    dns_record empty;
    empty.type = dns_type::a;
    empty.rrclass = 255;  // RFC 2136 UPDATE: "delete RRset" has class ANY and no RDATA
    empty.rdata_offset = 15;
    EXPECT_EQ(check_dns_rdata(m, empty), std::nullopt);
}

TEST(DnsRdata, LongTextIsCutAndMarked) {
    std::string hex = "00 01 01 00 00 01 00 00 00 00 00 00";
    for (int s = 0; s < 20; ++s) {
        hex += " ff";
        for (int i = 0; i < 255; ++i) hex += " 07";  // BEL: 4 characters each as \007
    }
    const auto m = from_hex(hex);
    dns_record r;
    r.type = dns_type::txt;
    r.rdata_offset = 12;
    r.rdata_length = static_cast<std::uint16_t>(m.size() - 12);
    dns_rdata_text out;
    EXPECT_FALSE(format_dns_rdata(m, r, out));
    EXPECT_EQ(out.size, sizeof out.data);
    EXPECT_TRUE(out.truncated);
}

TEST(DnsWalker, SectionsInOrderAndSkippedQuestions) {
    const auto d = decode_case(dns_response_with_every_decoded_type);
    dns_walker walker(d->dns->message);
    dns_record r;
    std::vector<dns_section> sections;
    while (walker.next_record(r)) sections.push_back(r.section);  // questions skipped first
    ASSERT_EQ(sections.size(), 13u);
    EXPECT_EQ(sections[8], dns_section::answer);
    EXPECT_EQ(sections[9], dns_section::authority);
    EXPECT_EQ(sections[12], dns_section::additional);
    dns_question q;
    EXPECT_FALSE(walker.next_question(q));
    EXPECT_FALSE(walker.error());
}

TEST(DnsMessage, ParseNeedsTwelveBytes) {
    const auto bytes = from_hex("00 01 01 00 00 01 00 00 00 00 00");
    EXPECT_EQ(dns_message::parse(bytes).error(), anomaly::truncated_dns_header);
}

TEST(DnsNamesOfNumbers, TypeClassRcodeOpcode) {
    EXPECT_EQ(dns_type_name(dns_type::aaaa), "AAAA");
    EXPECT_EQ(dns_type_name(dns_type::caa), "CAA");
    EXPECT_EQ(dns_type_name(65280), "");
    EXPECT_EQ(dns_class_name(1), "IN");
    EXPECT_EQ(dns_class_name(3), "CH");
    EXPECT_EQ(dns_class_name(2), "");
    EXPECT_EQ(dns_rcode_name(3), "NXDOMAIN");
    EXPECT_EQ(dns_rcode_name(16), "BADVERS");
    EXPECT_EQ(dns_rcode_name(12), "");
    EXPECT_EQ(dns_opcode_name(5), "UPDATE");
    EXPECT_EQ(dns_opcode_name(3), "");
}

TEST(DnsEdns, FieldsOfTheOptTtl) {
    dns_record opt;
    opt.type = dns_type::opt;
    opt.rrclass = 4096;
    opt.ttl = 0x01008000;  // extended RCODE 1, version 0, DO
    opt.rdata_length = 12;
    const dns_edns e = edns_from_opt(opt);
    EXPECT_EQ(e.udp_size, 4096);
    EXPECT_EQ(e.extended_rcode, 1);
    EXPECT_EQ(e.version, 0);
    EXPECT_TRUE(e.do_bit);
    EXPECT_EQ(e.options_length, 12);
}

}  // namespace
}  // namespace pktscope::test
