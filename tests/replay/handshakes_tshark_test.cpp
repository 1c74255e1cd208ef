// Agreement of the handshake tracker with tshark on every TCP stream of the shared corpus and
// of captures/: handshake_ms against tcp.analysis.initial_rtt (within 1 us) and the presence
// of SYN, SYN-ACK, ACK, FIN and RST against tcp.completeness.
//
// tshark's answers come from tests/replay/golden/handshakes/tshark_tcp_packets.tsv (every TCP
// packet, made by handshakes_tshark_reference.sh). Where the two differ, the difference must
// fall into a class of tests/replay/golden/handshakes/tshark_disagreements.md, and each class is
// checked, not assumed: the rule tshark follows is re-computed here from tshark's own packet
// fields and must reproduce tshark's value, and the facts that make our answer differ (a
// retransmitted SYN, a bad checksum, ...) must hold in both tools' data. Anything else fails.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "corpus_files.hpp"
#include "pktscope/capture.hpp"
#include "pktscope/decode.hpp"
#include "pktscope/handshake.hpp"

namespace pktscope {
namespace {

namespace fs = std::filesystem;

constexpr std::int64_t tolerance_ns = 1000;  // 1 us

constexpr std::uint16_t fin = 0x01, syn = 0x02, rst = 0x04, ack = 0x10;
constexpr int c_syn = 1, c_synack = 2, c_ack = 4, c_data = 8, c_fin = 16, c_rst = 32;

// "1658816767.794026000" -> nanoseconds (exact, no floating point).
std::optional<std::int64_t> seconds_to_ns(const std::string& text) {
    if (text.empty()) return std::nullopt;
    const auto dot = text.find('.');
    std::int64_t whole = std::stoll(text.substr(0, dot));
    std::int64_t frac = 0;
    if (dot != std::string::npos) {
        std::string digits = text.substr(dot + 1);
        digits.resize(9, '0');
        frac = std::stoll(digits.substr(0, 9));
    }
    return whole * 1'000'000'000 + frac;
}

struct tshark_packet {
    std::uint64_t frame = 0;
    std::int64_t ts_ns = 0;
    std::string src, dst;
    std::uint16_t sport = 0, dport = 0;
    std::uint16_t flags = 0;
    std::uint32_t len = 0;
    std::string checksum_status;  // "0" bad, "1" good, "2" unverified, "" absent
    int completeness = 0;
    std::optional<std::int64_t> initial_rtt_ns;
};

struct tshark_stream {
    std::string file;
    int id = 0;
    std::vector<tshark_packet> packets;
};

std::map<std::pair<std::string, int>, tshark_stream> load_reference(const fs::path& path) {
    std::map<std::pair<std::string, int>, tshark_stream> streams;
    std::ifstream in(path);
    std::string line;
    bool header = true;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        if (header) {
            header = false;
            continue;
        }
        const auto c = corpus::split_tabs(line);
        if (c.size() < 13 || c[3].empty()) continue;
        tshark_packet p;
        p.frame = std::stoull(c[1]);
        p.ts_ns = *seconds_to_ns(c[2]);
        p.src = c[4];
        p.sport = static_cast<std::uint16_t>(std::stoul(c[5]));
        p.dst = c[6];
        p.dport = static_cast<std::uint16_t>(std::stoul(c[7]));
        p.flags = static_cast<std::uint16_t>(std::stoul(c[8], nullptr, 16));
        p.len = static_cast<std::uint32_t>(std::stoul(c[9].empty() ? "0" : c[9]));
        p.checksum_status = c[10];
        p.completeness = c[11].empty() ? 0 : std::stoi(c[11]);
        p.initial_rtt_ns = seconds_to_ns(c[12]);
        tshark_stream& s = streams[{c[0], std::stoi(c[3])}];
        s.file = c[0];
        s.id = std::stoi(c[3]);
        s.packets.push_back(p);
    }
    return streams;
}

fs::path capture_path(const std::string& label) {
    if (label.rfind("corpus:", 0) == 0) return corpus::tcpdump_dir() / "pcaps" / label.substr(7);
    return fs::path(PKTSCOPE_SOURCE_DIR) / label;
}

std::string endpoint_text(const flow_endpoint& e) {
    char buf[ipv6_text_max + 1];
    return std::string(buf, format_to(buf, e.address)) + "|" + std::to_string(e.port);
}

// Our side: every record of a capture, and for every frame the TCP endpoints we decoded.
struct our_capture {
    std::vector<tcp_connection> records;
    std::map<std::uint64_t, std::string> frame_endpoints;  // "a|p>b|q", only TCP frames
};

our_capture run_tracker(const fs::path& path) {
    our_capture out;
    handshake_tracker tracker(
        {}, {nullptr, [&out](const tcp_connection& c) { out.records.push_back(c); }});
    try {
        pcap_source source = pcap_source::open_file(path.string());
        frame f;
        decoded_packet p;
        std::uint64_t n = 0;
        while (source.next(f)) {
            decode(f, p);
            ++n;
            if (const auto key = flow_key_of(p); key && p.tcp)
                out.frame_endpoints[n] =
                    endpoint_text(key->source) + ">" + endpoint_text(key->destination);
            tracker.process(f, p, n);
        }
    } catch (const capture_error&) {
        // A truncated corpus file: keep what was read, as tshark does.
    }
    tracker.flush();
    return out;
}

// tshark's rules, re-computed from tshark's packet fields (packet-tcp.c, Wireshark 4.0):
// initial RTT = the first segment with ACK and without SYN, in either direction, minus the
// most recent SYN (without ACK) before it; completeness (of a stream that starts with a SYN):
// SYN, SYN-ACK after a SYN, ACK on a segment without SYN and without payload, DATA, FIN, RST.
struct tshark_rules {
    std::optional<std::int64_t> rtt_ns;
    std::uint64_t rtt_ack_frame = 0;
    std::optional<std::int64_t> first_syn_ts_ns;
    int completeness = 0;
};

tshark_rules emulate(const tshark_stream& s) {
    tshark_rules r;
    std::optional<std::int64_t> recent_syn;
    bool seen_syn = false;
    for (const tshark_packet& p : s.packets) {
        const bool is_syn = (p.flags & syn) != 0, is_ack = (p.flags & ack) != 0;
        if (is_syn && !is_ack) {
            recent_syn = p.ts_ns;
            if (!r.first_syn_ts_ns) r.first_syn_ts_ns = p.ts_ns;
        }
        if (!is_syn && is_ack && recent_syn && !r.rtt_ns) {
            r.rtt_ns = p.ts_ns - *recent_syn;
            r.rtt_ack_frame = p.frame;
        }
        if (is_syn && !is_ack) seen_syn = true;
        if (is_syn && is_ack && seen_syn) r.completeness |= c_synack;
        if (is_syn && !is_ack) r.completeness |= c_syn;
        if (!is_syn && is_ack && p.len == 0) r.completeness |= c_ack;
        if (p.len > 0) r.completeness |= c_data;
        if ((p.flags & fin) != 0) r.completeness |= c_fin;
        if ((p.flags & rst) != 0) r.completeness |= c_rst;
    }
    return r;
}

std::optional<std::int64_t> tshark_rtt(const tshark_stream& s) {
    for (const tshark_packet& p : s.packets)
        if (p.initial_rtt_ns) return p.initial_rtt_ns;
    return std::nullopt;
}

int our_completeness(const tcp_connection& r) {
    const std::string_view h = r.history();
    int bits = 0;
    if (r.syn_count > 0 || r.anomalies.contains(connection_anomaly::simultaneous_open))
        bits |= c_syn;
    if (r.synack_count > 0) bits |= c_synack;
    if (r.ack_frame != 0) bits |= c_ack;
    if (h.find_first_of("FfIi") != std::string_view::npos ||
        r.anomalies.contains(connection_anomaly::syn_fin))
        bits |= c_fin;
    if (h.find_first_of("RrIi") != std::string_view::npos ||
        r.anomalies.contains(connection_anomaly::syn_rst))
        bits |= c_rst;
    return bits;
}

// Every packet of the stream carrying `flag_mask` has a bad TCP checksum per tshark.
bool flag_only_on_bad_checksums(const tshark_stream& s, std::uint16_t flag_mask, bool with_ack) {
    bool any = false;
    for (const tshark_packet& p : s.packets) {
        if ((p.flags & flag_mask) == 0) continue;
        if (flag_mask == syn && ((p.flags & ack) != 0) != with_ack) continue;
        any = true;
        if (p.checksum_status != "0") return false;
    }
    return any;
}

struct tally {
    std::map<std::string, std::size_t> classes;
    std::map<std::string, std::string> examples;  // class -> first "file stream N"
    const tshark_stream* current = nullptr;
    std::vector<std::string> unexplained;
    std::size_t streams = 0;
    std::size_t rtt_compared = 0, rtt_agree = 0;
    std::size_t completeness_compared = 0, completeness_agree = 0;

    void count(const std::string& cls) {
        if (++classes[cls] == 1 && current != nullptr)
            examples[cls] = current->file + " stream " + std::to_string(current->id);
        if (std::getenv("PKTSCOPE_LIST_DISAGREEMENTS") != nullptr && current != nullptr)
            std::printf("    %s: %s stream %d\n", cls.c_str(), current->file.c_str(), current->id);
    }
    void fail(const tshark_stream& s, const std::string& why) {
        unexplained.push_back(s.file + " stream " + std::to_string(s.id) + ": " + why);
    }
};

void compare_rtt(const tshark_stream& s, const tshark_rules& rules, const tcp_connection& r,
                 const std::map<std::uint64_t, std::int64_t>& frame_ts, tally& t) {
    const std::optional<std::int64_t> theirs = tshark_rtt(s);
    const std::optional<std::int64_t>& ours = r.handshake_ns;
    ++t.rtt_compared;
    if (!theirs && !ours) {
        ++t.rtt_agree;
        return;
    }
    if (theirs && ours && std::llabs(*theirs - *ours) <= tolerance_ns) {
        ++t.rtt_agree;
        return;
    }
    if (r.anomalies.contains(connection_anomaly::timestamps_out_of_order)) {
        // Both tools subtract capture times; invalid ones (microseconds >= 10^6, a clock
        // stepping back) are normalised differently by each.
        t.count("rtt_invalid_capture_timestamps");
        return;
    }
    if (theirs && (!rules.rtt_ns || std::llabs(*rules.rtt_ns - *theirs) > tolerance_ns)) {
        t.fail(s, "tshark's initial RTT does not follow the rule re-computed from its packets");
        return;
    }
    if (!theirs) {
        t.fail(s, "we have a handshake time, tshark has none");
        return;
    }
    // Same ACK, but tshark starts at a later SYN: a retransmission, or the second copy of the
    // SYN on a capture that sees each packet twice (`-i any` on a router); ours starts at the
    // first SYN.
    if (rules.rtt_ack_frame == r.ack_frame && ours && rules.first_syn_ts_ns &&
        std::llabs(*ours - (frame_ts.at(r.ack_frame) - *rules.first_syn_ts_ns)) <= tolerance_ns) {
        if (r.syn_count > 1) {
            t.count("rtt_syn_retransmitted");
            return;
        }
        if (r.duplicates > 0) {
            t.count("rtt_syn_copy_seen_twice");
            return;
        }
    }
    if (rules.rtt_ack_frame != r.ack_frame) {
        t.count(r.ack_frame == 0 ? "rtt_no_completing_ack"
                                 : "rtt_first_ack_is_not_the_completing_ack");
        return;
    }
    t.fail(s, "initial RTT differs: tshark " + std::to_string(*theirs) + " ns, ours " +
                  (ours ? std::to_string(*ours) : std::string("none")));
}

void compare_completeness(const tshark_stream& s, const tshark_rules& rules,
                          const tcp_connection& r, tally& t) {
    const tshark_packet& first = s.packets.front();
    if (!((first.flags & syn) != 0 && (first.flags & ack) == 0)) {
        // tshark's completeness is only stable, and only meant, for a stream seen from its SYN
        // (for others the two passes even show different values on one stream's packets).
        t.count("completeness_midstream_not_compared");
        return;
    }
    const int theirs = s.packets.back().completeness;
    if (rules.completeness != theirs) {
        t.fail(s, "tshark's completeness " + std::to_string(theirs) +
                      " does not follow the rule (" + std::to_string(rules.completeness) + ")");
        return;
    }
    ++t.completeness_compared;
    const int ours = our_completeness(r);
    const int mask = c_syn | c_synack | c_ack | c_fin | c_rst;
    const int differ = (ours ^ theirs) & mask;
    if (differ == 0) {
        ++t.completeness_agree;
        return;
    }
    if ((differ & c_ack) != 0) {
        if ((theirs & c_ack) != 0 && r.ack_frame == 0)
            t.count("ack_payloadless_segment_without_handshake");
        else if ((theirs & c_ack) == 0 && r.ack_frame != 0)
            t.count("ack_completing_ack_carries_data");
        else
            t.count("ack_other");
    }
    const std::pair<int, std::pair<std::uint16_t, bool>> flag_bits[] = {{c_syn, {syn, false}},
                                                                        {c_synack, {syn, true}},
                                                                        {c_fin, {fin, false}},
                                                                        {c_rst, {rst, false}}};
    for (const auto& [bit, flag] : flag_bits) {
        if ((differ & bit) == 0) continue;
        if ((theirs & bit) != 0 && flag_only_on_bad_checksums(s, flag.first, flag.second)) {
            t.count("flag_only_on_bad_checksum_segments");
        } else if (bit == c_synack &&
                   r.anomalies.contains(connection_anomaly::originator_syn_ack)) {
            t.count("synack_sent_by_the_client");
        } else {
            t.fail(s, "completeness bit " + std::to_string(bit) + " differs: tshark " +
                          std::to_string(theirs) + ", ours " + std::to_string(ours) + ", history " +
                          std::string(r.history()));
        }
    }
    if ((differ & c_ack) != 0 && t.classes.count("ack_other") != 0)
        t.fail(s, "ACK presence differs unexplained");
}

std::set<std::string> documented_classes(const fs::path& doc) {
    std::set<std::string> names;
    std::ifstream in(doc);
    std::string line;
    while (std::getline(in, line)) {
        // Table rows: | `class_name` | ...
        if (line.rfind("| `", 0) != 0) continue;
        const auto end = line.find('`', 3);
        if (end != std::string::npos) names.insert(line.substr(3, end - 3));
    }
    return names;
}

TEST(HandshakesTsharkTest, EveryTcpStreamAgreesOrDiffersForADocumentedReason) {
    const fs::path golden = fs::path(PKTSCOPE_SOURCE_DIR) / "tests/replay/golden/handshakes";
    const auto streams = load_reference(golden / "tshark_tcp_packets.tsv");
    ASSERT_GT(streams.size(), 100U) << "the tshark reference should cover the corpus' TCP streams";
    if (!fs::is_directory(corpus::tcpdump_dir() / "pcaps"))
        GTEST_SKIP() << "shared corpus not found";

    std::map<std::string, our_capture> ours;
    std::map<std::string, std::map<std::uint64_t, std::int64_t>> frame_times;
    tally t;
    for (const auto& [id, s] : streams) {
        if (!ours.count(s.file)) ours[s.file] = run_tracker(capture_path(s.file));
        for (const tshark_packet& p : s.packets) frame_times[s.file][p.frame] = p.ts_ns;
    }
    for (const auto& [id, s] : streams) {
        ++t.streams;
        t.current = &s;
        const our_capture& mine = ours.at(s.file);
        const tshark_packet& first = s.packets.front();
        const std::string a = first.src + "|" + std::to_string(first.sport);
        const std::string b = first.dst + "|" + std::to_string(first.dport);
        const tcp_connection* match = nullptr;
        const tcp_connection* containing = nullptr;
        for (const tcp_connection& r : mine.records) {
            const std::string c = endpoint_text(r.client), sv = endpoint_text(r.server);
            if (!((c == a && sv == b) || (c == b && sv == a))) continue;
            if (r.first_frame == first.frame)
                match = &r;
            else if (r.first_frame < first.frame && r.last_frame >= first.frame)
                containing = &r;
        }
        if (match == nullptr) {
            const auto it = mine.frame_endpoints.find(first.frame);
            if (it == mine.frame_endpoints.end() || (it->second != a + ">" + b))
                t.count("stream_not_decoded_by_us");  // a link type, tunnel or truncation we do not
                                                      // decode
            else if (containing != nullptr)
                t.count("stream_split_differently");
            else
                t.fail(s, "no record starts at frame " + std::to_string(first.frame));
            continue;
        }
        const tshark_rules rules = emulate(s);
        compare_rtt(s, rules, *match, frame_times.at(s.file), t);
        compare_completeness(s, rules, *match, t);
    }

    const std::set<std::string> documented = documented_classes(golden / "tshark_disagreements.md");
    std::printf(
        "handshakes vs tshark: %zu streams; initial RTT agrees on %zu of %zu compared; "
        "completeness "
        "(SYN, SYN-ACK, ACK, FIN, RST) agrees on %zu of %zu compared\n",
        t.streams, t.rtt_agree, t.rtt_compared, t.completeness_agree, t.completeness_compared);
    for (const auto& [cls, n] : t.classes) {
        std::printf("  %-45s %4zu  e.g. %s\n", cls.c_str(), n, t.examples[cls].c_str());
        EXPECT_TRUE(documented.count(cls))
            << "class " << cls << " is not explained in tshark_disagreements.md";
    }
    for (const std::string& u : t.unexplained) ADD_FAILURE() << "unexplained: " << u;
    EXPECT_EQ(t.classes.count("ack_other"), 0U);
    // Most streams must agree outright: a regression that breaks the common case fails here
    // even if every difference happened to fit a class.
    EXPECT_GE(t.rtt_agree * 10, t.rtt_compared * 9);
    EXPECT_GE(t.completeness_agree * 10, t.completeness_compared * 8);
}

}  // namespace
}  // namespace pktscope
