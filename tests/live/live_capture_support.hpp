// Helpers shared by the live capture and echo tests: starting pktscope processes inside a
// namespace and waiting for their readiness lines, reading a capture back with tshark (the
// independent oracle) and with `pktscope sniff -r --json`, and the echo client's payloads.
#pragma once

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "live_support.hpp"
#include "pktscope/echo_payload.hpp"

namespace pktscope::testing {

/// Number of times `needle` occurs in `text`.
inline std::size_t count_of(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (std::size_t at = text.find(needle); at != std::string::npos;
         at = text.find(needle, at + needle.size()))
        ++n;
    return n;
}

/// A pktscope process in `ns` logging to `log`, started and waited for until its log holds
/// `ready` `ready_count` times (bounded: 10 s).
inline std::unique_ptr<background_process> start_pktscope(const netns& ns, const std::string& args,
                                                          const std::string& log,
                                                          const std::string& ready,
                                                          std::size_t ready_count = 1) {
    auto p = std::make_unique<background_process>(ns.exec_prefix() + pktscope_binary() + " " + args,
                                                  log);
    const bool up = wait_until([&] { return count_of(read_file(log), ready) >= ready_count; },
                               std::chrono::seconds(10));
    EXPECT_TRUE(up) << "`pktscope " << args << "` did not print '" << ready
                    << "': " << read_file(log);
    return p;
}

/// `pktscope sniff ARGS` capturing in `ns`; ready once it says it is listening.
inline std::unique_ptr<background_process> start_capture(const netns& ns, const std::string& args,
                                                         const std::string& log) {
    return start_pktscope(ns, "sniff " + args, log, "pktscope: listening on");
}

/// Waits (at most 20 s) until `path` holds `needle` at least `count` times: a printing capture
/// has shown the last packet of the traffic, so everything before it was read too (libpcap
/// delivers in order) and stopping it now loses nothing.
inline void wait_for_count(const std::string& path, const std::string& needle, std::size_t count) {
    const bool seen = wait_until([&] { return count_of(read_file(path), needle) >= count; },
                                 std::chrono::seconds(20));
    EXPECT_TRUE(seen) << "'" << needle << "' not seen " << count << " times in " << path << ":\n"
                      << read_file(path);
}

/// Sends SIGINT and expects a clean exit (status 0) within 10 s.
inline void interrupt_and_wait(background_process& p, const std::string& what) {
    p.signal(SIGINT);
    EXPECT_EQ(p.wait(std::chrono::seconds(10)), 0) << what << " did not end cleanly on SIGINT";
}

/// One packet as tshark decodes it.
struct tshark_packet {
    int frame = 0;
    std::string eth_src, eth_dst;
    std::string ip_src, ip_dst;  ///< IPv4 or IPv6
    int sport = -1, dport = -1;
    bool tcp = false, udp = false;
    std::uint32_t flags = 0, seq = 0, ack = 0;
    std::string payload_hex;  ///< lower-case hex, no separators
};

inline std::vector<std::string> split(const std::string& line, char sep) {
    std::vector<std::string> out;
    std::string field;
    std::istringstream in(line);
    while (std::getline(in, field, sep)) out.push_back(field);
    if (!line.empty() && line.back() == sep) out.emplace_back();
    return out;
}

/// Every packet of `pcap` as tshark reads it (fails the test if tshark cannot read it).
inline std::vector<tshark_packet> tshark_packets(const std::string& pcap) {
    const command_result r =
        run("tshark -r '" + pcap +
                "' -T fields -E separator='|' -E occurrence=f -e frame.number -e eth.src -e "
                "eth.dst -e ip.src -e ip.dst -e ipv6.src -e ipv6.dst -e tcp.srcport -e "
                "tcp.dstport -e udp.srcport -e udp.dstport -e tcp.flags -e tcp.seq_raw -e "
                "tcp.ack_raw -e tcp.payload -e udp.payload 2>/dev/null",
            false);
    EXPECT_EQ(r.exit_status, 0) << "tshark cannot read " << pcap;
    std::vector<tshark_packet> out;
    std::istringstream in(r.output);
    std::string line;
    while (std::getline(in, line)) {
        const std::vector<std::string> f = split(line, '|');
        if (f.size() < 16) continue;
        tshark_packet p;
        p.frame = std::stoi(f[0]);
        p.eth_src = f[1];
        p.eth_dst = f[2];
        p.ip_src = !f[3].empty() ? f[3] : f[5];
        p.ip_dst = !f[4].empty() ? f[4] : f[6];
        p.tcp = !f[7].empty();
        p.udp = !f[9].empty();
        if (p.tcp) {
            p.sport = std::stoi(f[7]);
            p.dport = std::stoi(f[8]);
            p.flags = static_cast<std::uint32_t>(std::stoul(f[11], nullptr, 16));
            p.seq = static_cast<std::uint32_t>(std::stoul(f[12]));
            p.ack = static_cast<std::uint32_t>(std::stoul(f[13]));
            p.payload_hex = f[14];
        } else if (p.udp) {
            p.sport = std::stoi(f[9]);
            p.dport = std::stoi(f[10]);
            p.payload_hex = f[15];
        }
        out.push_back(p);
    }
    return out;
}

/// The `packet` records of `pktscope sniff -r PCAP --json` (fails the test on a bad exit).
inline std::vector<nlohmann::json> pktscope_packets(const std::string& pcap) {
    const command_result r = run(pktscope_binary() + " sniff -r '" + pcap + "' --json", false);
    EXPECT_EQ(r.exit_status, 0) << "pktscope cannot read " << pcap;
    std::vector<nlohmann::json> out;
    for (nlohmann::json& j : parse_json_lines(r.output))
        if (j["type"] == "packet") out.push_back(std::move(j));
    return out;
}

/// Hex of message `message` of echo-client connection `connection`, `size` bytes.
inline std::string echo_message_hex(std::uint32_t connection, std::uint64_t message,
                                    std::size_t size) {
    std::vector<std::byte> bytes(size);
    fill_echo_payload(bytes, connection, message);
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (std::byte b : bytes) {
        out.push_back(digits[static_cast<unsigned>(b) >> 4]);
        out.push_back(digits[static_cast<unsigned>(b) & 15]);
    }
    return out;
}

/// The JSON records among `text`'s lines (a log that also holds stderr's plain lines).
inline std::vector<nlohmann::json> json_records(const std::string& text) {
    std::vector<nlohmann::json> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line))
        if (!line.empty() && line.front() == '{') out.push_back(nlohmann::json::parse(line));
    return out;
}

/// The port of an "addr:port" / "[addr]:port" text.
inline int port_of(const std::string& address) {
    return std::stoi(address.substr(address.rfind(':') + 1));
}

/// The last JSON record of `type` in `records` (null when none).
inline nlohmann::json last_record(const std::vector<nlohmann::json>& records,
                                  const std::string& type) {
    for (auto it = records.rbegin(); it != records.rend(); ++it)
        if ((*it)["type"] == type) return *it;
    return nullptr;
}

/// MAC address of `ifname` in `ns`, as the kernel reports it (`ip -j link`).
inline std::string mac_of(const netns& ns, const std::string& ifname) {
    const command_result r = run("ip -n " + ns.name() + " -j link show " + ifname, false);
    const nlohmann::json j = nlohmann::json::parse(r.output);
    return j.at(0).at("address").get<std::string>();
}

/// True when a checksum record says "ok" or "offloaded" (what loopback and veth may carry).
inline bool checksum_fine(const nlohmann::json& checksum) {
    const std::string s = checksum.at("status").get<std::string>();
    return s == "ok" || s == "offloaded";
}

}  // namespace pktscope::testing
