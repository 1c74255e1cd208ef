// The handshake tracker on crafted segment sequences (libtins), one test per behaviour the
// record promises. Expected conn_state and history values are Zeek's documented meanings
// (conn.log), worked out by hand for each sequence; RTTs are the exact differences of the
// timestamps given.
#include <gtest/gtest.h>

#include "handshake_script.hpp"
#include "pktscope/handshake.hpp"

namespace pktscope::test {
namespace {

constexpr std::int64_t us = 1000;
constexpr std::int64_t ms = 1'000'000;
constexpr std::int64_t s = 1'000'000'000;

// Client ISN 1000, server ISN 5000; SYN at 0, SYN-ACK at 50 us, ACK at 60 us.
void handshake(scripted_capture& c) {
    c.client(0, {SYN, 1000, 0, "", 64240, true});
    c.server(50 * us, {SYN | ACK, 5000, 1001, "", 65160, true});
    c.client(60 * us, {ACK, 1001, 5001});
}

TEST(HandshakeTrackerTest, NormalConnectDataAndCloseIsSfFin) {
    scripted_capture c;
    handshake(c);
    c.client(1 * ms, {PSH | ACK, 1001, 5001, "hello"});
    c.server(1 * ms + 50 * us, {ACK, 5001, 1006});
    c.server(2 * ms, {PSH | ACK, 5001, 1006, "world!"});
    c.client(2 * ms + 50 * us, {ACK, 1006, 5007});
    c.client(3 * ms, {FIN | ACK, 1006, 5007});
    c.server(3 * ms + 50 * us, {FIN | ACK, 5007, 1007});
    EXPECT_TRUE(c.records.empty()) << "the server's FIN is not acknowledged yet";
    c.client(3 * ms + 100 * us, {ACK, 1007, 5008});
    ASSERT_EQ(c.records.size(), 1U) << "emitted as soon as the last FIN is acknowledged";

    const tcp_connection& r = c.records.front();
    EXPECT_EQ(r.client.address, ip_address::from(ipv4_address{0x0a000001}));
    EXPECT_EQ(r.client.port, 40000);
    EXPECT_EQ(r.server.address, ip_address::from(ipv4_address{0x0a000002}));
    EXPECT_EQ(r.server.port, 80);
    EXPECT_FALSE(r.picked_up_mid_stream);
    EXPECT_EQ(r.client_isn, 1000U);
    EXPECT_EQ(r.server_isn, 5000U);
    EXPECT_EQ(r.syn_frame, 1U);
    EXPECT_EQ(r.synack_frame, 2U);
    EXPECT_EQ(r.ack_frame, 3U);
    EXPECT_EQ(r.syn_ts_ns, scripted_capture::t0);
    EXPECT_EQ(r.synack_ts_ns, scripted_capture::t0 + 50 * us);
    EXPECT_EQ(r.ack_ts_ns, scripted_capture::t0 + 60 * us);
    EXPECT_EQ(r.syn_count, 1U);
    EXPECT_EQ(r.synack_count, 1U);
    EXPECT_EQ(r.syn_to_synack_ns, 50 * us);
    EXPECT_EQ(r.synack_to_ack_ns, 10 * us);
    EXPECT_EQ(r.handshake_ns, 60 * us);
    ASSERT_TRUE(r.client_options && r.server_options && r.negotiated);
    EXPECT_EQ(r.client_options->mss, 1460);
    EXPECT_EQ(r.client_options->window_scale, 7);
    EXPECT_TRUE(r.client_options->sack_permitted);
    EXPECT_TRUE(r.client_options->timestamps);
    EXPECT_EQ(r.negotiated->mss, 1460);
    EXPECT_TRUE(r.negotiated->window_scaling);
    EXPECT_TRUE(r.negotiated->sack_permitted);
    EXPECT_TRUE(r.negotiated->timestamps);
    EXPECT_EQ(r.state, conn_state::sf);
    EXPECT_EQ(r.history(), "ShADadFf");
    EXPECT_EQ(r.end, connection_end::fin);
    EXPECT_EQ(r.bytes_client_to_server, 5U);
    EXPECT_EQ(r.bytes_server_to_client, 6U);
    EXPECT_EQ(r.packets_client_to_server, 6U);
    EXPECT_EQ(r.packets_server_to_client, 4U);
    EXPECT_EQ(r.first_frame, 1U);
    EXPECT_EQ(r.last_frame, 10U);
    EXPECT_EQ(r.first_ts_ns, scripted_capture::t0);
    EXPECT_EQ(r.last_ts_ns, scripted_capture::t0 + 3 * ms + 100 * us);
    EXPECT_EQ(r.client_state, tcp_state::time_wait) << "the side that closed first waits";
    EXPECT_EQ(r.server_state, tcp_state::closed);
    EXPECT_TRUE(anomaly_names(r).empty());

    ASSERT_EQ(c.established.size(), 1U) << "one notice when the handshake completed";
    EXPECT_EQ(c.established.front().ack_frame, 3U);
    EXPECT_EQ(c.established.front().handshake_ns, 60 * us);
    EXPECT_EQ(c.tracker().counters().handshakes, 1U);
}

TEST(HandshakeTrackerTest, Ipv6ConnectionIsTrackedTheSameWay) {
    scripted_capture c({}, true);
    handshake(c);
    c.client(1 * ms, {FIN | ACK, 1001, 5001});
    c.server(2 * ms, {FIN | ACK, 5001, 1002});
    c.client(3 * ms, {ACK, 1002, 5002});
    const tcp_connection& r = c.only_record();
    EXPECT_EQ(r.client.address.family, 6);
    ipv6_address expected;
    ASSERT_TRUE(parse_ipv6("fd00::1", expected));
    EXPECT_EQ(r.client.address, ip_address::from(expected));
    EXPECT_EQ(r.client_options->mss, 1440);
    EXPECT_EQ(r.state, conn_state::sf);
    EXPECT_EQ(r.history(), "ShAFf");
    EXPECT_EQ(r.end, connection_end::fin);
}

TEST(HandshakeTrackerTest, ClosedPortIsRejRefused) {
    scripted_capture c;
    c.client(0, {SYN, 1000, 0, "", 64240, true});
    c.server(30 * us, {RST | ACK, 0, 1001});
    const tcp_connection& r = c.only_record();
    EXPECT_EQ(r.state, conn_state::rej);
    EXPECT_EQ(r.history(), "Sr");
    EXPECT_EQ(r.end, connection_end::refused);
    EXPECT_EQ(r.syn_count, 1U);
    EXPECT_EQ(r.synack_count, 0U);
    EXPECT_EQ(r.synack_frame, 0U);
    EXPECT_FALSE(r.syn_to_synack_ns);
    EXPECT_FALSE(r.handshake_ns);
    EXPECT_FALSE(r.server_options);
    EXPECT_FALSE(r.negotiated);
    EXPECT_EQ(r.client_state, tcp_state::closed);
    EXPECT_EQ(r.server_state, tcp_state::closed);
}

TEST(HandshakeTrackerTest, RstNotAcknowledgingTheSynIsIgnored) {
    // RFC 9293 3.10.7.3: in SYN-SENT a RST is acceptable only if it acknowledges the SYN.
    scripted_capture c;
    c.client(0, {SYN, 1000, 0});
    c.server(30 * us, {RST | ACK, 0, 777});
    EXPECT_TRUE(c.records.empty()) << "a blind RST does not end the attempt";
    c.flush();
    const tcp_connection& r = c.only_record();
    EXPECT_EQ(r.end, connection_end::open);
    EXPECT_EQ(r.state, conn_state::rej)
        << "Zeek does not validate the RST: responder RESET, originator SYN_SENT";
    EXPECT_TRUE(r.anomalies.contains(connection_anomaly::rst_out_of_window));
}

TEST(HandshakeTrackerTest, RetransmittedSynIsCountedBySequenceNumber) {
    scripted_capture c;
    c.client(0, {SYN, 1000, 0, "", 64240, true});
    c.client(1 * s, {SYN, 1000, 0, "", 64240, true});  // same ISN: a retransmission
    c.server(1 * s + 40 * us, {SYN | ACK, 5000, 1001, "", 65160, true});
    c.client(1 * s + 50 * us, {ACK, 1001, 5001});
    c.flush();
    const tcp_connection& r = c.only_record();
    EXPECT_EQ(r.syn_count, 2U);
    EXPECT_EQ(r.syn_frame, 1U) << "the first SYN";
    EXPECT_EQ(r.syn_to_synack_ns, 40 * us) << "from the last SYN before the SYN-ACK";
    EXPECT_EQ(r.synack_to_ack_ns, 10 * us);
    EXPECT_EQ(r.handshake_ns, 1 * s + 50 * us) << "from the first SYN";
    EXPECT_EQ(r.history(), "ShA") << "Zeek adds 'S' again only for a different sequence number";
    EXPECT_EQ(r.state, conn_state::s1);
    EXPECT_EQ(r.end, connection_end::open);
}

TEST(HandshakeTrackerTest, RetransmittedSynAckIsCounted) {
    scripted_capture c;
    c.client(0, {SYN, 1000, 0});
    c.server(40 * us, {SYN | ACK, 5000, 1001});
    c.server(1 * s, {SYN | ACK, 5000, 1001});
    c.client(1 * s + 20 * us, {ACK, 1001, 5001});
    c.flush();
    const tcp_connection& r = c.only_record();
    EXPECT_EQ(r.synack_count, 2U);
    EXPECT_EQ(r.synack_frame, 2U);
    EXPECT_EQ(r.syn_to_synack_ns, 40 * us) << "to the first SYN-ACK";
    EXPECT_EQ(r.synack_to_ack_ns, 20 * us) << "from the last SYN-ACK before the ACK";
    EXPECT_EQ(r.history(), "ShA");
}

TEST(HandshakeTrackerTest, CopyWithinOneMillisecondIsADuplicateNotARetransmission) {
    scripted_capture c;
    const auto syn = c.bytes(true, {SYN, 1000, 0, "", 64240, true, 42});
    c.feed(0, syn);
    c.feed(300 * us, syn);   // the same IP packet on a second interface (-i any)
    c.feed(1500 * us, syn);  // the same bytes again after the window: a retransmission
    c.flush();
    const tcp_connection& r = c.only_record();
    EXPECT_EQ(r.duplicates, 1U);
    EXPECT_EQ(r.syn_count, 2U);
    EXPECT_EQ(r.packets_client_to_server, 2U);
    EXPECT_EQ(c.tracker().counters().duplicates, 1U);
}

TEST(HandshakeTrackerTest, SegmentWithBadChecksumIsIgnoredAndMarked) {
    scripted_capture c;
    handshake(c);
    auto data = c.bytes(true, {PSH | ACK, 1001, 5001, "hello"});
    data[14 + 20 + 16] ^= 0xff;  // TCP checksum of an Ethernet + 20-byte IPv4 frame
    c.feed(1 * ms, data);
    c.flush();
    const tcp_connection& r = c.only_record();
    EXPECT_EQ(r.history(), "ShAC") << "Zeek's 'c': the segment itself is dropped";
    EXPECT_EQ(r.bytes_client_to_server, 0U);
    EXPECT_TRUE(r.packet_anomalies.contains(anomaly::bad_tcp_checksum));
    EXPECT_EQ(c.tracker().counters().bad_checksum, 1U);
}

TEST(HandshakeTrackerTest, ServerResetAfterEstablishmentIsRstr) {
    scripted_capture c;
    handshake(c);
    c.client(1 * ms, {PSH | ACK, 1001, 5001, "hi"});
    c.server(2 * ms, {RST | ACK, 5001, 1003});
    const tcp_connection& r = c.only_record();
    EXPECT_EQ(r.state, conn_state::rstr);
    EXPECT_EQ(r.history(), "ShADr");
    EXPECT_EQ(r.end, connection_end::rst_by_server);
    EXPECT_EQ(r.client_state, tcp_state::closed);
    EXPECT_EQ(r.server_state, tcp_state::closed);
}

TEST(HandshakeTrackerTest, ClientResetAfterEstablishmentIsRsto) {
    scripted_capture c;
    handshake(c);
    c.client(2 * ms, {RST | ACK, 1001, 5001});
    const tcp_connection& r = c.only_record();
    EXPECT_EQ(r.state, conn_state::rsto);
    EXPECT_EQ(r.history(), "ShAR");
    EXPECT_EQ(r.end, connection_end::rst_by_client);
}

TEST(HandshakeTrackerTest, OutOfWindowResetIsAnAnomalyAndTheConnectionGoesOn) {
    scripted_capture c;
    handshake(c);
    c.server(1 * ms, {RST, 5001 + 10'000'000, 0});  // far outside any window (RFC 5961 3.2)
    EXPECT_TRUE(c.records.empty());
    c.client(2 * ms, {FIN | ACK, 1001, 5001});
    c.server(3 * ms, {FIN | ACK, 5001, 1002});
    c.client(4 * ms, {ACK, 1002, 5002});
    const tcp_connection& r = c.only_record();
    EXPECT_EQ(r.end, connection_end::fin);
    EXPECT_TRUE(r.anomalies.contains(connection_anomaly::rst_out_of_window));
    EXPECT_EQ(r.history(), "ShArFf") << "every segment leaves its letter, the blind RST too";
    EXPECT_EQ(r.state, conn_state::rstr) << "Zeek takes any RST: the responder is RESET";
}

TEST(HandshakeTrackerTest, SynThenClientResetIsRstos0) {
    scripted_capture c;
    c.client(0, {SYN, 1000, 0});
    c.client(1 * s, {RST, 1001, 0});
    const tcp_connection& r = c.only_record();
    EXPECT_EQ(r.state, conn_state::rstos0);
    EXPECT_EQ(r.history(), "SR");
    EXPECT_EQ(r.end, connection_end::rst_by_client);
}

TEST(HandshakeTrackerTest, SynThenFinWithoutAnswerIsSh) {
    scripted_capture c;
    c.client(0, {SYN, 1000, 0});
    c.client(1 * ms, {FIN, 1001, 0});
    c.flush();
    const tcp_connection& r = c.only_record();
    EXPECT_EQ(r.state, conn_state::sh);
    EXPECT_EQ(r.history(), "SF");
}

TEST(HandshakeTrackerTest, UnansweredSynTimesOutAsS0) {
    handshake_options o;
    o.attempt_timeout_ns = 5 * s;
    scripted_capture c(o);
    c.client(0, {SYN, 1000, 0});
    c.advance(4 * s);
    EXPECT_TRUE(c.records.empty());
    c.advance(6 * s);
    const tcp_connection& r = c.only_record();
    EXPECT_EQ(r.state, conn_state::s0);
    EXPECT_EQ(r.history(), "S");
    EXPECT_EQ(r.end, connection_end::timeout);
    EXPECT_EQ(c.tracker().table_counters().expired_idle, 1U);
}

TEST(HandshakeTrackerTest, SynAckWithoutSynIsPickedUpWithFlippedRoles) {
    scripted_capture c;
    c.server(0, {SYN | ACK, 5000, 1001});  // its receiver sent the (missed) SYN
    c.client(20 * us, {ACK, 1001, 5001});
    c.flush();
    const tcp_connection& r = c.only_record();
    EXPECT_TRUE(r.picked_up_mid_stream);
    EXPECT_EQ(r.client.port, 40000);
    EXPECT_EQ(r.server.port, 80);
    EXPECT_EQ(r.history(), "^hA");
    EXPECT_EQ(r.state, conn_state::s1)
        << "Zeek: SYN-ACK seen, then the originator's ACK establishes it";
    EXPECT_EQ(r.synack_to_ack_ns, 20 * us);
    EXPECT_FALSE(r.handshake_ns) << "no SYN, no handshake time";
    EXPECT_TRUE(r.anomalies.contains(connection_anomaly::synack_without_syn));
}

TEST(HandshakeTrackerTest, SynAckThenResetWithoutSynIsRstrh) {
    scripted_capture c;
    c.server(0, {SYN | ACK, 5000, 1001});
    c.server(1 * ms, {RST, 5001, 0});
    const tcp_connection& r = c.only_record();
    EXPECT_EQ(r.state, conn_state::rstrh);
    EXPECT_EQ(r.history(), "^hr");
}

TEST(HandshakeTrackerTest, SynAckThenFinWithoutSynIsShr) {
    scripted_capture c;
    c.server(0, {SYN | ACK, 5000, 1001});
    c.server(1 * ms, {FIN | ACK, 5001, 1001});
    c.flush();
    EXPECT_EQ(c.only_record().state, conn_state::shr);
}

TEST(HandshakeTrackerTest, MidStreamDataIsOthAndTheLowPortIsTheServer) {
    scripted_capture c;
    c.server(0, {PSH | ACK, 9000, 2000, "response"});  // from port 80 to 40000
    c.client(1 * ms, {ACK, 2000, 9008});
    c.flush();
    const tcp_connection& r = c.only_record();
    EXPECT_TRUE(r.picked_up_mid_stream);
    EXPECT_EQ(r.server.port, 80);
    EXPECT_EQ(r.history(), "^dA");
    EXPECT_EQ(r.state, conn_state::oth);
    EXPECT_EQ(r.bytes_server_to_client, 8U);
    EXPECT_EQ(r.client_state, tcp_state::established) << "assumed";
}

TEST(HandshakeTrackerTest, CloseByOneSideOnlyIsS2OrS3) {
    {
        scripted_capture c;
        handshake(c);
        c.client(1 * ms, {FIN | ACK, 1001, 5001});
        c.flush();
        EXPECT_EQ(c.only_record().state, conn_state::s2);
        EXPECT_EQ(c.only_record().end, connection_end::open);
    }
    {
        scripted_capture c;
        handshake(c);
        c.server(1 * ms, {FIN | ACK, 5001, 1001});
        c.flush();
        EXPECT_EQ(c.only_record().state, conn_state::s3);
    }
}

TEST(HandshakeTrackerTest, OpenAtCaptureEndIsS1Open) {
    scripted_capture c;
    handshake(c);
    c.client(1 * ms, {PSH | ACK, 1001, 5001, "ping"});
    c.flush();
    const tcp_connection& r = c.only_record();
    EXPECT_EQ(r.state, conn_state::s1);
    EXPECT_EQ(r.end, connection_end::open);
    EXPECT_EQ(r.client_state, tcp_state::established);
    EXPECT_EQ(r.server_state, tcp_state::established);
}

TEST(HandshakeTrackerTest, NewIsnOnTheSamePortsStartsANewConnection) {
    scripted_capture c;
    c.client(0, {SYN, 1000, 0});
    c.client(2 * s, {SYN, 7777, 0});  // another ISN: a new attempt
    c.server(2 * s + 30 * us, {SYN | ACK, 5000, 7778});
    c.client(2 * s + 40 * us, {ACK, 7778, 5001});
    c.flush();
    ASSERT_EQ(c.records.size(), 2U);
    EXPECT_EQ(c.records[0].state, conn_state::s0);
    EXPECT_EQ(c.records[0].end, connection_end::timeout);
    EXPECT_TRUE(c.records[0].anomalies.contains(connection_anomaly::superseded_by_new_syn));
    EXPECT_EQ(c.records[1].client_isn, 7777U);
    EXPECT_EQ(c.records[1].syn_frame, 2U);
    EXPECT_EQ(c.records[1].state, conn_state::s1);
}

TEST(HandshakeTrackerTest, StragglersAfterTheRecordAreAbsorbedAndPortReuseStartsAgain) {
    scripted_capture c;
    c.client(0, {SYN, 1000, 0});
    c.server(30 * us, {RST | ACK, 0, 1001});
    c.client(40 * us, {RST, 1001, 0});  // a straggler: counted, no new record
    EXPECT_EQ(c.records.size(), 1U);
    EXPECT_EQ(c.tracker().counters().after_close, 1U);
    c.client(1 * s, {SYN, 2000, 0});  // the port reused with a new ISN
    c.server(1 * s + 30 * us, {RST | ACK, 0, 2001});
    ASSERT_EQ(c.records.size(), 2U);
    EXPECT_EQ(c.records[1].client_isn, 2000U);
    EXPECT_EQ(c.records[1].end, connection_end::refused);
}

TEST(HandshakeTrackerTest, RetransmittedPayloadZeroWindowAndScaledLetters) {
    scripted_capture c;
    handshake(c);
    c.client(1 * ms, {PSH | ACK, 1001, 5001, "abc"});
    for (int i = 0; i < 10; ++i)
        c.client((2 + i) * ms, {PSH | ACK, 1001, 5001, "abc"});  // 10 retransmissions
    c.server(20 * ms, {ACK, 5001, 1004, "", 0});                 // zero window
    c.flush();
    const tcp_connection& r = c.only_record();
    // t at the 1st and the 10th retransmission (Zeek's logarithmic letters), w once.
    EXPECT_EQ(r.history(), "ShADTTaw");
    EXPECT_EQ(r.bytes_client_to_server, 3U) << "bytes come from sequence numbers, not packet sizes";
}

TEST(HandshakeTrackerTest, WindowScaleIsNegotiatedOnlyWhenBothOfferIt) {
    scripted_capture c;
    c.client(0, {SYN, 1000, 0, "", 64240, true});
    c.server(50 * us, {SYN | ACK, 5000, 1001});  // no options
    c.client(60 * us, {ACK, 1001, 5001});
    c.flush();
    const tcp_connection& r = c.only_record();
    ASSERT_TRUE(r.server_options && r.negotiated);
    EXPECT_FALSE(r.server_options->mss);
    EXPECT_FALSE(r.negotiated->mss);
    EXPECT_FALSE(r.negotiated->window_scaling);
    EXPECT_FALSE(r.negotiated->sack_permitted);
    EXPECT_FALSE(r.negotiated->timestamps);
}

TEST(HandshakeTrackerTest, MultiFlagProbesAreAnomalies) {
    scripted_capture c;
    c.client(0, {SYN | FIN, 1000, 0});
    c.flush();
    const tcp_connection& r = c.only_record();
    EXPECT_TRUE(r.anomalies.contains(connection_anomaly::syn_fin));
    EXPECT_EQ(r.history(), "Q") << "Zeek's 'q': SYN+FIN in one packet";
}

TEST(HandshakeTrackerTest, FullTableEvictsTheNearestDeadlineAsTimeout) {
    handshake_options o;
    o.max_connections = 2;
    std::vector<tcp_connection> records;
    // Three attempts from three ports into a table of two: the oldest goes first.
    handshake_tracker t(o,
                        {nullptr, [&records](const tcp_connection& c) { records.push_back(c); }});
    for (std::uint16_t port = 40001; port <= 40003; ++port) {
        scripted_capture shape({}, false, port);
        const auto bytes = shape.bytes(true, {SYN, port, 0});
        frame f;
        f.ts_ns = scripted_capture::t0 + port;
        f.caplen = f.wirelen = static_cast<std::uint32_t>(bytes.size());
        f.data = as_bytes_of(bytes.data(), bytes.size());
        decoded_packet p;
        decode(f, p);
        t.process(f, p, port - 40000U);
    }
    ASSERT_EQ(records.size(), 1U);
    EXPECT_EQ(records[0].client.port, 40001);
    EXPECT_EQ(records[0].end, connection_end::timeout);
    EXPECT_EQ(records[0].state, conn_state::s0);
    EXPECT_EQ(t.table_counters().evicted_full, 1U);
    t.flush();
    EXPECT_EQ(records.size(), 3U) << "every attempt is reported";
}

TEST(HandshakeTrackerTest, ExplainAndLadderAreKeptWhenAskedAndBounded) {
    handshake_options o;
    o.explain = true;
    o.ladder = true;
    o.ladder_rows = 3;
    scripted_capture c(o);
    handshake(c);
    for (int i = 0; i < 5; ++i)
        c.client((1 + i) * ms, {PSH | ACK, static_cast<std::uint32_t>(1001 + i), 5001, "x"});
    c.client(10 * ms, {FIN | ACK, 1006, 5001});
    c.server(11 * ms, {FIN | ACK, 5001, 1007});
    c.client(12 * ms, {ACK, 1007, 5002});
    const tcp_connection& r = c.only_record();
    ASSERT_TRUE(r.details);
    EXPECT_EQ(r.details->ladder_head.size(), 3U);
    EXPECT_EQ(r.details->ladder_tail.size(), 3U);
    EXPECT_EQ(r.details->ladder_omitted, 5U);  // 11 packets, 3 + 3 kept
    EXPECT_EQ(r.details->ladder_tail.back().frame, 11U) << "the tail ends with the last packet";
    EXPECT_EQ(r.details->ladder_tail.front().frame, 9U);
    EXPECT_EQ(r.details->ladder_head[1].relative_seq, 0U)
        << "SYN-ACK seq relative to the server ISN";
    EXPECT_EQ(r.details->ladder_head[1].relative_ack, 1U);
    ASSERT_GE(r.details->explain.size(), 5U);
    EXPECT_EQ(r.details->explain.front().frame, 1U);
    EXPECT_NE(r.details->explain.front().note.find("first SYN"), std::string::npos);
    EXPECT_EQ(r.details->explain.front().client_state, tcp_state::syn_sent);
    const explain_step& last = r.details->explain.back();
    EXPECT_EQ(last.frame, 0U) << "conclusions come last";
    EXPECT_NE(last.note.find("conn_state SF"), std::string::npos) << last.note;
}

TEST(HandshakeTrackerTest, NoDetailsWithoutExplainOrLadder) {
    scripted_capture c;
    handshake(c);
    c.flush();
    EXPECT_FALSE(c.only_record().details);
}

}  // namespace
}  // namespace pktscope::test
