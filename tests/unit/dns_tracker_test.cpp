// dns_tracker: matching, latency, retransmissions, unanswered/unsolicited, response meaning
// (answer, CNAME, referral, NODATA, NXDOMAIN), EDNS, DNS over TCP and the TC -> TCP link.
// Every expected value is written out by hand from the bytes the test builds.
#include <gtest/gtest.h>

#include "dns_test_packets.hpp"

namespace pktscope::test {
namespace {

const host client{"10.9.0.1", 40000};
const host server{"10.9.0.2", 53};
const host other_server{"10.9.0.3", 53};

std::vector<std::uint8_t> a_query(std::uint16_t id, std::string_view name,
                                  std::uint16_t qtype = 1) {
    return dns_wire(id, query_rd, 1, 0, 0, 0).question(name, qtype).bytes;
}

std::vector<std::uint8_t> a_answer(std::uint16_t id, std::string_view name) {
    return dns_wire(id, response_flags(0), 1, 1, 0, 0)
        .question(name, 1)
        .a(name, 300, 10, 9, 0, 80)
        .bytes;
}

TEST(DnsTracker, AnsweredUdpQueryHasEveryField) {
    tracker_harness h;
    h.feed(udp_frame(client, server, a_query(0x1234, "www.pks.test")), t0);
    h.feed(udp_frame(server, client, a_answer(0x1234, "www.pks.test")), t0 + ms(3) + 456);
    h.finish();
    ASSERT_EQ(h.records.size(), 1u);
    const dns_transaction& t = h.records[0];
    EXPECT_EQ(t.transport, dns_transport::udp);
    EXPECT_EQ(to_string(t.client.address.v4()), "10.9.0.1");
    EXPECT_EQ(t.client.port, 40000);
    EXPECT_EQ(to_string(t.server.address.v4()), "10.9.0.2");
    EXPECT_EQ(t.server.port, 53);
    EXPECT_EQ(t.id, 0x1234);
    EXPECT_TRUE(t.rd);
    EXPECT_EQ(t.qname, "www.pks.test");
    EXPECT_EQ(t.qtype, 1);
    EXPECT_EQ(t.qclass, 1);
    EXPECT_EQ(t.status, dns_status::answered);
    EXPECT_EQ(t.rcode, 0);
    EXPECT_EQ(t.outcome, dns_outcome::answer);
    EXPECT_TRUE(t.aa);
    EXPECT_FALSE(t.tc);
    ASSERT_EQ(t.answers.size(), 1u);
    EXPECT_EQ(t.answers[0].name, "www.pks.test");
    EXPECT_EQ(t.answers[0].type, 1);
    EXPECT_EQ(t.answers[0].ttl, 300u);
    EXPECT_EQ(t.answers[0].data, "10.9.0.80");
    EXPECT_EQ(t.query_frame, 1u);
    EXPECT_EQ(t.response_frame, 2u);
    EXPECT_EQ(t.query_ts_ns, t0);
    EXPECT_EQ(t.latency_ns, ms(3) + 456);
    EXPECT_EQ(t.retransmissions, 0u);
    EXPECT_TRUE(t.anomalies.empty());
    EXPECT_EQ(h.counters().answered, 1u);
}

TEST(DnsTracker, QueryWithoutResponseIsUnansweredAfterTheTimeout) {
    dns_tracker_options o;
    o.timeout_ns = ms(2000);
    tracker_harness h(o);
    h.feed(udp_frame(client, server, a_query(1, "lost.pks.test")), t0);
    h.feed(udp_frame(client, server, a_query(2, "other.pks.test")), t0 + ms(1999));
    EXPECT_TRUE(h.records.empty()) << "not yet past the timeout";
    h.feed(udp_frame(client, server, a_query(3, "third.pks.test")), t0 + ms(2001));
    ASSERT_EQ(h.records.size(), 1u);
    EXPECT_EQ(h.records[0].qname, "lost.pks.test");
    EXPECT_EQ(h.records[0].status, dns_status::unanswered);
    EXPECT_EQ(h.records[0].response_frame, 0u);
    h.finish();  // the capture ends: the other two are unanswered too, in arrival order
    ASSERT_EQ(h.records.size(), 3u);
    EXPECT_EQ(h.records[1].id, 2);
    EXPECT_EQ(h.records[2].id, 3);
    EXPECT_EQ(h.counters().unanswered, 3u);
}

TEST(DnsTracker, ResponseAfterTheTimeoutIsUnsolicited) {
    dns_tracker_options o;
    o.timeout_ns = ms(1000);
    tracker_harness h(o);
    h.feed(udp_frame(client, server, a_query(7, "slow.pks.test")), t0);
    h.feed(udp_frame(server, client, a_answer(7, "slow.pks.test")), t0 + ms(1500));
    h.finish();
    ASSERT_EQ(h.records.size(), 2u);
    EXPECT_EQ(h.records[0].status, dns_status::unanswered);
    EXPECT_EQ(h.records[1].status, dns_status::unsolicited);
    EXPECT_EQ(h.records[1].response_frame, 2u);
    EXPECT_EQ(h.records[1].query_frame, 0u);
}

TEST(DnsTracker, RetransmissionsAreLinkedAndLatencyCountsFromTheFirst) {
    tracker_harness h;
    h.feed(udp_frame(client, server, a_query(9, "retry.pks.test")), t0);
    h.feed(udp_frame(client, server, a_query(9, "retry.pks.test")), t0 + ms(1000));
    h.feed(udp_frame(client, server, a_query(9, "retry.pks.test")), t0 + ms(2000));
    h.feed(udp_frame(server, client, a_answer(9, "retry.pks.test")), t0 + ms(2010));
    h.feed(udp_frame(server, client, a_answer(9, "retry.pks.test")), t0 + ms(2020));
    h.finish();
    ASSERT_EQ(h.records.size(), 1u);
    const dns_transaction& t = h.records[0];
    EXPECT_EQ(t.retransmissions, 2u);
    EXPECT_EQ(t.retransmission_frames, (std::vector<std::uint64_t>{2, 3}));
    EXPECT_EQ(t.query_frame, 1u);
    EXPECT_EQ(t.response_frame, 4u);
    EXPECT_EQ(t.latency_ns, ms(2010));
    EXPECT_EQ(h.counters().retransmissions, 2u);
    EXPECT_EQ(h.counters().duplicate_responses, 1u) << "the second answer answers nothing new";
    EXPECT_EQ(h.counters().unsolicited, 0u);
}

TEST(DnsTracker, RetriesFromNewPortsOrIdsAreLinkedAndTheirAnswerCounts) {
    // dig retries from a new source port with the same ID; stubs reuse the socket with a new ID.
    const host port2{"10.9.0.1", 40002}, port3{"10.9.0.1", 40003};
    tracker_harness h;
    h.feed(udp_frame(client, server, a_query(90, "retry.pks.test")), t0);
    h.feed(udp_frame(port2, server, a_query(90, "retry.pks.test")), t0 + ms(1000));
    h.feed(udp_frame(client, server, a_query(91, "RETRY.pks.test")), t0 + ms(2000));
    h.feed(udp_frame(server, client, a_answer(91, "retry.pks.test")), t0 + ms(2003));
    h.feed(udp_frame(server, port2, a_answer(90, "retry.pks.test")), t0 + ms(2004));
    // A new port and a new ID, or another host: other transactions.
    h.feed(udp_frame(port3, server, a_query(93, "retry.pks.test")), t0 + ms(2005));
    h.feed(udp_frame({"10.9.0.7", 40000}, server, a_query(92, "retry.pks.test")), t0 + ms(2006));
    h.finish();
    ASSERT_EQ(h.records.size(), 3u);
    const dns_transaction& t = h.records[0];
    EXPECT_EQ(t.status, dns_status::answered);
    EXPECT_EQ(t.client.port, 40000) << "the first transmission's endpoints";
    EXPECT_EQ(t.id, 90);
    EXPECT_EQ(t.retransmissions, 2u);
    EXPECT_EQ(t.retransmission_frames, (std::vector<std::uint64_t>{2, 3}));
    EXPECT_EQ(t.response_frame, 4u);
    EXPECT_EQ(t.latency_ns, ms(2003));
    EXPECT_EQ(h.counters().duplicate_responses, 1u) << "the answer to the second try";
    EXPECT_EQ(h.records[1].status, dns_status::unanswered);
    EXPECT_EQ(h.records[1].id, 93);
    EXPECT_EQ(h.records[2].id, 92);
}

TEST(DnsTracker, SameIdAfterAnAnswerStartsANewTransaction) {
    tracker_harness h;
    h.feed(udp_frame(client, server, a_query(5, "again.pks.test")), t0);
    h.feed(udp_frame(server, client, a_answer(5, "again.pks.test")), t0 + ms(1));
    h.feed(udp_frame(client, server, a_query(5, "again.pks.test")), t0 + ms(100));
    h.feed(udp_frame(server, client, a_answer(5, "again.pks.test")), t0 + ms(102));
    h.finish();
    ASSERT_EQ(h.records.size(), 2u);
    EXPECT_EQ(h.records[1].query_frame, 3u);
    EXPECT_EQ(h.records[1].response_frame, 4u);
    EXPECT_EQ(h.records[1].latency_ns, ms(2));
}

TEST(DnsTracker, MatchingNeedsEndpointsIdAndQuestion) {
    tracker_harness h;
    h.feed(udp_frame(client, server, a_query(11, "one.pks.test")), t0);
    // Wrong question, wrong server, wrong client port, wrong transport: none matches.
    h.feed(udp_frame(server, client, a_answer(11, "two.pks.test")), t0 + ms(1));
    h.feed(udp_frame(other_server, client, a_answer(11, "one.pks.test")), t0 + ms(2));
    h.feed(udp_frame(server, {client.address, 40001}, a_answer(11, "one.pks.test")), t0 + ms(3));
    h.feed(tcp_frame(server, client, 100, tcp_psh | tcp_ack,
                     with_length_prefix(a_answer(11, "one.pks.test"))),
           t0 + ms(4));
    h.feed(udp_frame(server, client, a_answer(12, "one.pks.test")), t0 + ms(5));
    h.finish();
    ASSERT_EQ(h.records.size(), 6u);
    for (std::size_t i = 0; i < 5; ++i)
        EXPECT_EQ(h.records[i].status, dns_status::unsolicited) << i;
    EXPECT_EQ(h.records[5].status, dns_status::unanswered);
    EXPECT_EQ(h.counters().unsolicited, 5u);
}

TEST(DnsTracker, NamesMatchCaseInsensitively) {
    // RFC 4343: resolvers randomise case (0x20 encoding); the answer echoes the query's.
    tracker_harness h;
    h.feed(udp_frame(client, server, a_query(13, "WwW.PkS.TeSt")), t0);
    h.feed(udp_frame(server, client, a_answer(13, "www.pks.test")), t0 + ms(1));
    h.finish();
    ASSERT_EQ(h.records.size(), 1u);
    EXPECT_EQ(h.records[0].status, dns_status::answered);
    EXPECT_EQ(h.records[0].qname, "WwW.PkS.TeSt") << "the query's spelling is kept";
}

TEST(DnsTracker, ResponseWithoutQuestionMatchesById) {
    tracker_harness h;
    h.feed(udp_frame(client, server, a_query(14, "bad.pks.test")), t0);
    h.feed(udp_frame(server, client, dns_wire(14, response_flags(1, false), 0, 0, 0, 0).bytes),
           t0 + ms(1));
    h.finish();
    ASSERT_EQ(h.records.size(), 1u);
    EXPECT_EQ(h.records[0].status, dns_status::answered);
    EXPECT_EQ(h.records[0].rcode, 1) << "FORMERR";
    EXPECT_EQ(h.records[0].outcome, dns_outcome::error);
    EXPECT_EQ(h.records[0].qname, "bad.pks.test");
}

TEST(DnsTracker, NxdomainAndNodataCarryTheSoa) {
    tracker_harness h;
    h.feed(udp_frame(client, server, a_query(20, "missing.pks.test")), t0);
    h.feed(udp_frame(server, client,
                     dns_wire(20, response_flags(3), 1, 0, 1, 0)
                         .question("missing.pks.test", 1)
                         .soa("pks.test", 60, "ns.pks.test", "hostmaster.pks.test", 7, 30)
                         .bytes),
           t0 + ms(1));
    h.feed(udp_frame(client, server, a_query(21, "www.pks.test", 28)), t0 + ms(2));
    h.feed(udp_frame(server, client,
                     dns_wire(21, response_flags(0), 1, 0, 1, 0)
                         .question("www.pks.test", 28)
                         .soa("pks.test", 60, "ns.pks.test", "hostmaster.pks.test", 7, 30)
                         .bytes),
           t0 + ms(3));
    h.finish();
    ASSERT_EQ(h.records.size(), 2u);
    EXPECT_EQ(h.records[0].rcode, 3);
    EXPECT_EQ(h.records[0].outcome, dns_outcome::nxdomain);
    ASSERT_TRUE(h.records[0].has_soa);
    EXPECT_EQ(h.records[0].soa.name, "pks.test");
    EXPECT_EQ(h.records[0].soa.ttl, 60u);
    EXPECT_EQ(h.records[0].soa.data, "ns.pks.test hostmaster.pks.test 7 3600 600 86400 30");
    EXPECT_EQ(h.records[1].rcode, 0);
    EXPECT_EQ(h.records[1].outcome, dns_outcome::nodata);
    EXPECT_TRUE(h.records[1].has_soa);
    EXPECT_TRUE(h.records[1].answers.empty());
}

TEST(DnsTracker, CnameOnlyAnswerAndReferral) {
    tracker_harness h;
    h.feed(udp_frame(client, server, a_query(30, "alias.pks.test")), t0);
    h.feed(udp_frame(server, client,
                     dns_wire(30, response_flags(0), 1, 1, 0, 0)
                         .question("alias.pks.test", 1)
                         .name_rr("alias.pks.test", 5, 60, "elsewhere.other.test")
                         .bytes),
           t0 + ms(1));
    h.feed(udp_frame(client, server, dns_wire(31, 0, 1, 0, 0, 0).question("www.pks.test", 1).bytes),
           t0 + ms(2));
    h.feed(udp_frame(server, client,
                     dns_wire(31, 0x8000, 1, 0, 2, 1)
                         .question("www.pks.test", 1)
                         .name_rr("pks.test", 2, 3600, "ns1.pks.test")
                         .name_rr("pks.test", 2, 3600, "ns2.pks.test")
                         .a("ns1.pks.test", 3600, 10, 9, 3, 1)
                         .bytes),
           t0 + ms(3));
    h.finish();
    ASSERT_EQ(h.records.size(), 2u);
    EXPECT_EQ(h.records[0].outcome, dns_outcome::cname);
    EXPECT_EQ(h.records[0].answers.at(0).data, "elsewhere.other.test");
    EXPECT_EQ(h.records[1].outcome, dns_outcome::referral);
    EXPECT_FALSE(h.records[1].rd);
    EXPECT_EQ(h.records[1].delegation, "pks.test");
    ASSERT_EQ(h.records[1].authority.size(), 2u);
    EXPECT_EQ(h.records[1].authority[1].data, "ns2.pks.test");
}

TEST(DnsTracker, EdnsOfQueryAndResponse) {
    // Options: Client Subnet 192.0.2.0/24 scope 0 (RFC 7871), COOKIE with 8-byte client part.
    const std::vector<std::uint8_t> options{
        0x00, 0x08, 0x00, 0x07, 0x00, 0x01, 24, 0, 192, 0, 2,     // ECS
        0x00, 0x0a, 0x00, 0x08, 1,    2,    3,  4, 5,   6, 7, 8,  // COOKIE
    };
    tracker_harness h;
    h.feed(udp_frame(client, server,
                     dns_wire(40, query_rd, 1, 0, 0, 1)
                         .question("e.pks.test", 1)
                         .opt(1232, true, options)
                         .bytes),
           t0);
    // BADVERS is RCODE 16: header RCODE 0 with extended RCODE 1 in the OPT TTL (RFC 6891 6.1.3).
    h.feed(udp_frame(server, client,
                     dns_wire(40, response_flags(0), 1, 0, 0, 1)
                         .question("e.pks.test", 1)
                         .opt(4096, false, {}, 1)
                         .bytes),
           t0 + ms(1));
    h.finish();
    ASSERT_EQ(h.records.size(), 1u);
    const dns_transaction& t = h.records[0];
    ASSERT_TRUE(t.has_query_edns);
    EXPECT_EQ(t.query_edns.udp_size, 1232);
    EXPECT_TRUE(t.query_edns.do_bit);
    EXPECT_EQ(t.query_edns.client_subnet, "192.0.2.0/24/0");
    EXPECT_EQ(t.query_edns.client_cookie, "0102030405060708");
    EXPECT_EQ(t.query_edns.server_cookie, "");
    ASSERT_TRUE(t.has_response_edns);
    EXPECT_EQ(t.response_edns.udp_size, 4096);
    EXPECT_FALSE(t.response_edns.do_bit);
    EXPECT_EQ(t.rcode, 16);
    EXPECT_EQ(dns_rcode_name(t.rcode), "BADVERS");
    EXPECT_EQ(t.outcome, dns_outcome::error);
}

TEST(DnsTracker, MalformedEdnsOptionIsAnAnomaly) {
    const std::vector<std::uint8_t> bad_ecs{0x00, 0x08, 0x00, 0x05, 0x00,
                                            0x01, 40,   0,    10};  // /40 in IPv4
    tracker_harness h;
    h.feed(udp_frame(client, server,
                     dns_wire(41, query_rd, 1, 0, 0, 1)
                         .question("e.pks.test", 1)
                         .opt(512, false, bad_ecs)
                         .bytes),
           t0);
    h.finish();
    ASSERT_EQ(h.records.size(), 1u);
    EXPECT_TRUE(h.records[0].anomalies.contains(anomaly::dns_bad_rdata));
    EXPECT_EQ(h.records[0].query_edns.client_subnet, "");
}

TEST(DnsTracker, TcpMessagesSplitAndCoalescedAcrossSegments) {
    // One connection: SYN, then two queries in one segment, then a response cut in three
    // segments, the second of which arrives last, then the other response.
    const host c{"10.9.0.1", 41000};
    tracker_harness h;
    h.feed(tcp_frame(c, server, 1000, tcp_syn), t0);
    h.feed(tcp_frame(server, c, 5000, tcp_syn | tcp_ack), t0 + ms(1));
    std::vector<std::uint8_t> two = with_length_prefix(a_query(100, "a.pks.test"));
    const auto second = with_length_prefix(a_query(101, "b.pks.test"));
    two.insert(two.end(), second.begin(), second.end());
    h.feed(tcp_frame(c, server, 1001, tcp_psh | tcp_ack, two), t0 + ms(2));
    const auto r1 = with_length_prefix(a_answer(100, "a.pks.test"));
    const std::vector<std::uint8_t> part1(r1.begin(), r1.begin() + 1);  // half the length prefix
    const std::vector<std::uint8_t> part2(r1.begin() + 1, r1.begin() + 20);
    const std::vector<std::uint8_t> part3(r1.begin() + 20, r1.end());
    h.feed(tcp_frame(server, c, 5001, tcp_ack, part1), t0 + ms(3));
    h.feed(tcp_frame(server, c, 5001 + 20, tcp_psh | tcp_ack, part3), t0 + ms(4));
    EXPECT_TRUE(h.records.empty()) << "the middle part has not arrived";
    h.feed(tcp_frame(server, c, 5001 + 1, tcp_ack, part2), t0 + ms(5));
    ASSERT_EQ(h.records.size(), 1u);
    EXPECT_EQ(h.records[0].transport, dns_transport::tcp);
    EXPECT_EQ(h.records[0].qname, "a.pks.test");
    EXPECT_EQ(h.records[0].query_frame, 3u);
    EXPECT_EQ(h.records[0].response_frame, 6u) << "completed by the late middle segment";
    EXPECT_EQ(h.records[0].latency_ns, ms(3));
    // A retransmission of the first part changes nothing.
    h.feed(tcp_frame(server, c, 5001, tcp_ack, part1), t0 + ms(6));
    h.feed(tcp_frame(server, c, 5001 + static_cast<std::uint32_t>(r1.size()), tcp_psh | tcp_ack,
                     with_length_prefix(a_answer(101, "b.pks.test"))),
           t0 + ms(7));
    h.feed(tcp_frame(c, server, 1001 + static_cast<std::uint32_t>(two.size()), tcp_fin | tcp_ack),
           t0 + ms(8));
    h.finish();
    ASSERT_EQ(h.records.size(), 2u);
    EXPECT_EQ(h.records[1].qname, "b.pks.test");
    EXPECT_EQ(h.records[1].status, dns_status::answered);
    EXPECT_EQ(h.counters().tcp_messages, 4u);
    EXPECT_EQ(h.counters().unsolicited, 0u);
    EXPECT_EQ(h.counters().tcp_gaps, 0u);
}

TEST(DnsTracker, TruncatedUdpAnswerIsLinkedToTheTcpRetry) {
    const host c{"10.9.0.1", 42000};
    const host c_tcp{"10.9.0.1", 42001};
    tracker_harness h;
    h.feed(udp_frame(c, server, a_query(50, "big.pks.test", 16)), t0);
    h.feed(udp_frame(server, c,
                     dns_wire(50, response_flags(0, true, true), 1, 0, 0, 0)
                         .question("big.pks.test", 16)
                         .bytes),
           t0 + ms(1));
    EXPECT_TRUE(h.records.empty()) << "held until the retry shows up";
    h.feed(tcp_frame(c_tcp, server, 7000, tcp_syn), t0 + ms(2));
    h.feed(tcp_frame(c_tcp, server, 7001, tcp_psh | tcp_ack,
                     with_length_prefix(a_query(51, "big.pks.test", 16))),
           t0 + ms(3));
    ASSERT_EQ(h.records.size(), 1u);
    EXPECT_EQ(h.records[0].transport, dns_transport::udp);
    EXPECT_TRUE(h.records[0].tc);
    EXPECT_EQ(h.records[0].outcome, dns_outcome::truncated);
    EXPECT_EQ(h.records[0].tcp_retry_frame, 4u);
    h.feed(tcp_frame(server, c_tcp, 9000, tcp_psh | tcp_ack,
                     with_length_prefix(dns_wire(51, response_flags(0), 1, 1, 0, 0)
                                            .question("big.pks.test", 16)
                                            .rr("big.pks.test", 16, 60, {3, 'a', 'b', 'c'})
                                            .bytes)),
           t0 + ms(4));
    h.finish();
    ASSERT_EQ(h.records.size(), 2u);
    EXPECT_EQ(h.records[1].transport, dns_transport::tcp);
    EXPECT_EQ(h.records[1].truncated_udp_frame, 1u);
    EXPECT_EQ(h.records[1].answers.at(0).data, "\"abc\"");
    EXPECT_EQ(h.counters().tcp_retries_linked, 1u);
}

TEST(DnsTracker, TruncatedAnswerWithoutRetryIsReportedAfterTheTimeout) {
    dns_tracker_options o;
    o.timeout_ns = ms(1000);
    tracker_harness h(o);
    h.feed(udp_frame(client, server, a_query(52, "big.pks.test")), t0);
    h.feed(udp_frame(server, client,
                     dns_wire(52, response_flags(0, true, true), 1, 0, 0, 0)
                         .question("big.pks.test", 1)
                         .bytes),
           t0 + ms(1));
    h.feed(udp_frame(client, server, a_query(53, "later.pks.test")), t0 + ms(1500));
    ASSERT_EQ(h.records.size(), 1u);
    EXPECT_EQ(h.records[0].tcp_retry_frame, 0u);
    EXPECT_TRUE(h.records[0].tc);
}

TEST(DnsTracker, FullPendingTableEvictsTheOldestAsUnanswered) {
    dns_tracker_options o;
    o.max_pending = 2;
    tracker_harness h(o);
    h.feed(udp_frame(client, server, a_query(60, "1.pks.test")), t0);
    h.feed(udp_frame(client, server, a_query(61, "2.pks.test")), t0 + 1);
    h.feed(udp_frame(client, server, a_query(62, "3.pks.test")), t0 + 2);
    ASSERT_EQ(h.records.size(), 1u);
    EXPECT_EQ(h.records[0].id, 60);
    EXPECT_TRUE(h.records[0].evicted);
    EXPECT_EQ(h.counters().pending_evictions, 1u);
    h.feed(udp_frame(server, client, a_answer(61, "2.pks.test")), t0 + 3);
    EXPECT_EQ(h.records.back().status, dns_status::answered);
    EXPECT_EQ(h.tracker().pending(), 1u);
}

TEST(DnsTracker, Ipv6AndOtherPorts) {
    const host c6{"fd00::1", 40000};
    const host s6{"fd00::53", 53};
    const host s8053{"10.9.0.2", 8053};
    dns_tracker_options o;
    o.ports = {53, 8053};
    tracker_harness h(o);
    h.feed(udp_frame(c6, s6, a_query(70, "v6.pks.test", 28)), t0);
    h.feed(udp_frame(s6, c6,
                     dns_wire(70, response_flags(0), 1, 1, 0, 0)
                         .question("v6.pks.test", 28)
                         .rr("v6.pks.test", 28, 60,
                             {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80})
                         .bytes),
           t0 + ms(1));
    h.feed(udp_frame(client, s8053, a_query(71, "alt.pks.test")), t0 + ms(2));
    h.feed(udp_frame(s8053, client, a_answer(71, "alt.pks.test")), t0 + ms(3));
    h.feed(udp_frame(client, {"10.9.0.2", 9999}, a_query(72, "ignored.pks.test")), t0 + ms(4));
    h.finish();
    ASSERT_EQ(h.records.size(), 2u);
    EXPECT_EQ(h.records[0].client.address.family, 6);
    EXPECT_EQ(to_string(h.records[0].server.address.v6()), "fd00::53");
    EXPECT_EQ(h.records[0].answers.at(0).data, "fd00::80");
    EXPECT_EQ(h.records[1].server.port, 8053);
}

}  // namespace
}  // namespace pktscope::test
