// Assertions on one echo-client conversation in a capture: read by tshark (sequence numbers,
// flags, payload bytes) and cross-checked against pktscope's own decoding of the same frames
// (flags, sequence numbers, checksum verdicts).
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "live_capture_support.hpp"

namespace pktscope::testing {

inline constexpr std::uint32_t tcp_fin = 0x01, tcp_syn = 0x02, tcp_rst = 0x04, tcp_ack = 0x10;

/// Expected conversation: connection `connection` of an echo-client run sent `messages`
/// messages of `size` bytes from `client_port` to `server_port`.
struct echo_conversation {
    int client_port = 0;
    int server_port = 6797;
    std::uint32_t connection = 0;
    std::uint64_t messages = 0;
    std::size_t size = 0;
};

inline std::uint32_t flags_from_names(const nlohmann::json& names) {
    std::uint32_t out = 0;
    for (const auto& n : names) {
        const std::string s = n.get<std::string>();
        if (s == "FIN") out |= 0x01;
        if (s == "SYN") out |= 0x02;
        if (s == "RST") out |= 0x04;
        if (s == "PSH") out |= 0x08;
        if (s == "ACK") out |= 0x10;
        if (s == "URG") out |= 0x20;
        if (s == "ECE") out |= 0x40;
        if (s == "CWR") out |= 0x80;
    }
    return out;
}

/// pktscope's record of tshark's frame `frame` (1-based in both).
inline const nlohmann::json& record_of(const std::vector<nlohmann::json>& records, int frame) {
    static const nlohmann::json none;
    const auto i = static_cast<std::size_t>(frame - 1);
    if (i >= records.size() || records[i]["frame"] != frame) return none;
    return records[i];
}

inline void expect_ip_checksum_fine(const nlohmann::json& record, int frame) {
    if (record.contains("ipv4")) {
        EXPECT_TRUE(checksum_fine(record["ipv4"]["checksum"]))
            << "frame " << frame << ": " << record.dump();
    }
}

/// Handshake, exact payload both ways, FIN exchange with exact sequence accounting, no RST,
/// and pktscope agreeing with tshark on every frame with sane checksum verdicts.
inline void expect_tcp_echo(const std::vector<tshark_packet>& all,
                            const std::vector<nlohmann::json>& records,
                            const echo_conversation& c) {
    std::vector<tshark_packet> p;
    for (const tshark_packet& t : all)
        if (t.tcp && ((t.sport == c.client_port && t.dport == c.server_port) ||
                      (t.sport == c.server_port && t.dport == c.client_port)))
            p.push_back(t);
    ASSERT_GE(p.size(), 6U) << "too few packets for port " << c.client_port;
    auto from_client = [&](const tshark_packet& t) { return t.sport == c.client_port; };

    // Three-way handshake (RFC 9293 3.5).
    EXPECT_TRUE(from_client(p[0]));
    EXPECT_EQ(p[0].flags, tcp_syn);
    EXPECT_FALSE(from_client(p[1]));
    EXPECT_EQ(p[1].flags, tcp_syn | tcp_ack);
    EXPECT_EQ(p[1].ack, p[0].seq + 1);
    EXPECT_TRUE(from_client(p[2]));
    EXPECT_EQ(p[2].flags, tcp_ack);
    EXPECT_EQ(p[2].seq, p[0].seq + 1);
    EXPECT_EQ(p[2].ack, p[1].seq + 1);

    // Exactly the client's messages, in order, each way.
    std::string expected;
    for (std::uint64_t m = 0; m < c.messages; ++m)
        expected += echo_message_hex(c.connection, m, c.size);
    std::string to_server, to_client;
    for (const tshark_packet& t : p) (from_client(t) ? to_server : to_client) += t.payload_hex;
    EXPECT_EQ(to_server, expected) << "client to server payload";
    EXPECT_EQ(to_client, expected) << "server to client payload (the echo)";

    // FIN from each side after all the data, and the client's ACK of the server's FIN.
    const auto total = static_cast<std::uint32_t>(c.messages * c.size);
    const tshark_packet* client_fin = nullptr;
    const tshark_packet* server_fin = nullptr;
    bool fin_acked = false;
    for (const tshark_packet& t : p) {
        EXPECT_EQ(t.flags & tcp_rst, 0U) << "RST in frame " << t.frame;
        if ((t.flags & tcp_fin) && from_client(t) && client_fin == nullptr) client_fin = &t;
        if ((t.flags & tcp_fin) && !from_client(t) && server_fin == nullptr) server_fin = &t;
        if (server_fin != nullptr && from_client(t) && (t.flags & tcp_ack) &&
            t.ack == server_fin->seq + 1)
            fin_acked = true;
    }
    ASSERT_NE(client_fin, nullptr) << "no FIN from the client";
    ASSERT_NE(server_fin, nullptr) << "no FIN from the server";
    EXPECT_EQ(client_fin->seq, p[0].seq + 1 + total);
    EXPECT_EQ(server_fin->seq, p[1].seq + 1 + total);
    EXPECT_EQ(server_fin->ack, client_fin->seq + 1);
    EXPECT_TRUE(fin_acked) << "the server's FIN was not acknowledged";

    // pktscope's decoding of the same frames.
    for (const tshark_packet& t : p) {
        const nlohmann::json& r = record_of(records, t.frame);
        ASSERT_TRUE(r.contains("tcp")) << "pktscope has no TCP in frame " << t.frame;
        EXPECT_EQ(r["tcp"]["sport"], t.sport);
        EXPECT_EQ(r["tcp"]["dport"], t.dport);
        EXPECT_EQ(r["tcp"]["seq"], t.seq);
        EXPECT_EQ(r["tcp"]["ack"], t.ack);
        EXPECT_EQ(flags_from_names(r["tcp"]["flags"]), t.flags) << "frame " << t.frame;
        EXPECT_EQ(r["tcp"]["payload_length"], t.payload_hex.size() / 2);
        EXPECT_TRUE(checksum_fine(r["tcp"]["checksum"])) << "frame " << t.frame << ": " << r.dump();
        expect_ip_checksum_fine(r, t.frame);
    }
}

/// Every request datagram and its echo, byte for byte; the echo never larger; pktscope's
/// lengths and checksum verdicts.
inline void expect_udp_echo(const std::vector<tshark_packet>& all,
                            const std::vector<nlohmann::json>& records,
                            const echo_conversation& c) {
    std::vector<std::string> requests, replies;
    for (const tshark_packet& t : all) {
        if (!t.udp) continue;
        const bool request = t.sport == c.client_port && t.dport == c.server_port;
        const bool reply = t.sport == c.server_port && t.dport == c.client_port;
        if (!request && !reply) continue;
        (request ? requests : replies).push_back(t.payload_hex);
        const nlohmann::json& r = record_of(records, t.frame);
        ASSERT_TRUE(r.contains("udp")) << "pktscope has no UDP in frame " << t.frame;
        EXPECT_EQ(r["udp"]["length"], c.size + 8);
        EXPECT_TRUE(checksum_fine(r["udp"]["checksum"])) << "frame " << t.frame << ": " << r.dump();
        expect_ip_checksum_fine(r, t.frame);
    }
    std::vector<std::string> expected;
    for (std::uint64_t m = 0; m < c.messages; ++m)
        expected.push_back(echo_message_hex(c.connection, m, c.size));
    EXPECT_EQ(requests, expected) << "datagrams to the server";
    EXPECT_EQ(replies, expected) << "datagrams echoed";
}

}  // namespace pktscope::testing
