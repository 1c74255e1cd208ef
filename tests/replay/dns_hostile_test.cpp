// Hostile DNS: small regression captures (tests/replay/data/dns_hostile/*.pcap) with pointer
// loops, forward pointers, pointer chains past the hop cap, labels past the end, names over
// 255 octets, counts larger than the message, overrunning records, reserved label types,
// control and bidi bytes in names and TXT, and broken DNS-over-TCP framing. Each must give
// its named anomaly in `pktscope dns` records (or its counter), a clean exit, output that
// parses, and no raw control or non-ASCII byte in the text or JSON output.
//
// The captures are made by this file from the bytes written out below; regenerate them with
// PKTSCOPE_UPDATE_GOLDENS=1 (or --update-goldens). Without it the committed files are used,
// so the regression inputs stay fixed even if this code changes.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "../unit/dns_test_packets.hpp"
#include "live_support.hpp"
#include "pktscope/capture.hpp"

namespace pktscope::test {
namespace {

namespace fs = std::filesystem;
using testing::command_result;
using testing::parse_json_lines;
using testing::pktscope_binary;
using testing::run;

bool update_goldens() {
    const char* env = std::getenv("PKTSCOPE_UPDATE_GOLDENS");
    return env != nullptr && std::string(env) == "1";
}

fs::path data_dir() {
    return fs::path(PKTSCOPE_SOURCE_DIR) / "tests/replay/data/dns_hostile";
}

const host client{"10.53.0.1", 33333};
const host server{"10.53.0.2", 53};

using frames = std::vector<std::vector<std::uint8_t>>;

void write_pcap(const fs::path& path, const frames& packets) {
    pcap_writer w(path.string(), linktype::en10mb, 262144);
    std::int64_t ts = t0;
    for (const auto& bytes : packets) {
        frame f;
        f.ts_ns = ts;
        ts += ms(1);
        f.caplen = f.wirelen = static_cast<std::uint32_t>(bytes.size());
        f.data = as_bytes_of(bytes.data(), bytes.size());
        w.write(f);
    }
    w.flush();
}

std::vector<std::uint8_t> query(std::uint16_t id, std::string_view name, std::uint16_t qtype = 1) {
    return dns_wire(id, query_rd, 1, 0, 0, 0).question(name, qtype).bytes;
}

// A compression pointer to `offset` (RFC 1035 4.1.4).
std::vector<std::uint8_t> pointer(std::size_t offset) {
    return {static_cast<std::uint8_t>(0xc0 | offset >> 8),
            static_cast<std::uint8_t>(offset & 0xff)};
}

// TYPE A, CLASS IN, TTL 60, RDLENGTH 4, 10.53.0.9: what follows an owner name.
const std::vector<std::uint8_t> a_record_tail{0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 53, 0, 9};

// The response header and question for `name`, ready for answers.
dns_wire response_to(std::uint16_t id, std::string_view name, std::uint16_t ancount,
                     std::uint16_t nscount = 0) {
    dns_wire r(id, response_flags(0), 1, ancount, nscount, 0);
    r.question(name, 1);
    return r;
}

frames pair(std::uint16_t id, std::string_view name, const dns_wire& response) {
    return {udp_frame(client, server, query(id, name)), udp_frame(server, client, response.bytes)};
}

frames pointer_loop() {
    // The answer's owner name is a pointer to itself; a second query's name is too.
    dns_wire r = response_to(0x1001, "loop.pks.test", 1);
    r.raw(pointer(r.bytes.size())).raw(a_record_tail);
    frames f = pair(0x1001, "loop.pks.test", r);
    dns_wire q(0x1002, query_rd, 1, 0, 0, 0);
    q.raw(pointer(12)).u16(1).u16(1);
    f.push_back(udp_frame(client, server, q.bytes));
    return f;
}

frames pointer_forward() {
    dns_wire r = response_to(0x1101, "fwd.pks.test", 1);
    const std::size_t owner = r.bytes.size();
    r.raw(pointer(owner + 2 + a_record_tail.size())).raw(a_record_tail);
    r.name("later.pks.test");  // what the forward pointer aims at
    return pair(0x1101, "fwd.pks.test", r);
}

frames pointer_hop_cap() {
    // 70 pointers in a NULL record's RDATA, each to the one before it (all backwards), the
    // first to the question name; the next answer's owner points at the last: 71 hops, more
    // than max_dns_pointer_hops (64), and no loop at all.
    dns_wire r = response_to(0x1201, "hops.pks.test", 2);
    const std::size_t rdata_at = r.bytes.size() + 1 + 10;  // owner "." and the fixed fields
    std::vector<std::uint8_t> chain;
    std::size_t previous = 12;
    for (int i = 0; i < 70; ++i) {
        const std::size_t here = rdata_at + chain.size();
        const auto p = pointer(previous);
        chain.insert(chain.end(), p.begin(), p.end());
        previous = here;
    }
    r.rr(".", 10, 0, chain);
    r.raw(pointer(previous)).raw(a_record_tail);
    return pair(0x1201, "hops.pks.test", r);
}

frames label_overrun() {
    // A 63-byte label announced with 5 bytes left in the message.
    dns_wire r = response_to(0x1301, "over.pks.test", 1);
    r.raw({63, 'a', 'b', 'c', 'd', 'e'});
    return pair(0x1301, "over.pks.test", r);
}

frames name_too_long() {
    // Five 63-byte labels: 5 * 64 + 1 = 321 octets (RFC 1035 2.3.4 allows 255); then a name
    // made long by compression: 3 labels + a pointer to a 4-label name, 4 * 64 + 3 * 64 > 255.
    std::string label(63, 'x');
    const std::string long_name = label + "." + label + "." + label + "." + label + "." + label;
    dns_wire r = response_to(0x1401, "long.pks.test", 1);
    r.name(long_name).raw(a_record_tail);
    frames f = pair(0x1401, "long.pks.test", r);
    dns_wire r2 = response_to(0x1402, "long2.pks.test", 2);
    const std::size_t first = r2.bytes.size();
    r2.name(label + "." + label + "." + label + "." + label.substr(0, 50)).raw(a_record_tail);
    for (int i = 0; i < 3; ++i) {
        r2.u8(63);
        for (char c : label) r2.u8(static_cast<std::uint8_t>(c));
    }
    r2.raw(pointer(first)).raw(a_record_tail);
    const frames f2 = pair(0x1402, "long2.pks.test", r2);
    f.insert(f.end(), f2.begin(), f2.end());
    return f;
}

frames count_exceeds_message() {
    // ANCOUNT 200, one answer present: the answer is kept, the rest is an anomaly.
    dns_wire r = response_to(0x1501, "count.pks.test", 200);
    r.a("count.pks.test", 60, 10, 53, 0, 9);
    return pair(0x1501, "count.pks.test", r);
}

frames record_overrun() {
    // RDLENGTH 500 with 4 bytes of RDATA.
    dns_wire r = response_to(0x1601, "rdata.pks.test", 1);
    r.name("rdata.pks.test").u16(1).u16(1).u32(60).u16(500).raw({10, 53, 0, 9});
    return pair(0x1601, "rdata.pks.test", r);
}

frames bad_label_type() {
    // 0x40 marks the extended label type (RFC 6891 5), 0x80 is reserved.
    dns_wire r = response_to(0x1701, "type.pks.test", 1);
    r.raw({0x41, 'x', 0}).raw(a_record_tail);
    return pair(0x1701, "type.pks.test", r);
}

frames terminal_escapes() {
    // A name with ESC, DEL, a NUL, a bidi override (U+202E in UTF-8) and a dot inside a
    // label; a TXT record with an ANSI colour sequence and a newline. Not anomalies: they
    // are legal DNS bytes, and must come out escaped.
    const std::vector<std::uint8_t> label{'e',  0x1b, '[',  '3',  '1', 'm', 0x7f,
                                          0x00, 0xe2, 0x80, 0xae, '.', 'x'};
    dns_wire q(0x1801, query_rd, 1, 0, 0, 0);
    q.u8(static_cast<std::uint8_t>(label.size())).raw(label).name("pks.test").u16(16).u16(1);
    dns_wire r(0x1801, response_flags(0), 1, 1, 0, 0);
    r.u8(static_cast<std::uint8_t>(label.size())).raw(label).name("pks.test").u16(16).u16(1);
    r.raw(pointer(12))
        .u16(16)
        .u16(1)
        .u32(60)
        .u16(12)
        .raw({11, 0x1b, '[', '3', '1', 'm', 'r', 'e', 'd', '\n', 0xe2, 0x80});
    // The last TXT string claims 11 bytes: ESC [ 3 1 m r e d LF and two bytes of a bidi mark.
    return {udp_frame(client, server, q.bytes), udp_frame(server, client, r.bytes)};
}

frames tcp_framing() {
    // Connection 1: a length prefix promising 65535 bytes, 40 bytes sent, then FIN.
    // Connection 2: a zero-length message, a 5-byte message (shorter than a DNS header), then
    // a good query and its answer, all in order.
    const host c1{"10.53.0.1", 44001}, c2{"10.53.0.1", 44002};
    frames f;
    f.push_back(tcp_frame(c1, server, 100, tcp_syn));
    std::vector<std::uint8_t> promise(42, 0x41);
    promise[0] = promise[1] = 0xff;
    f.push_back(tcp_frame(c1, server, 101, tcp_psh | tcp_ack, promise));
    f.push_back(tcp_frame(c1, server, 143, tcp_fin | tcp_ack));
    f.push_back(tcp_frame(server, c1, 900, tcp_fin | tcp_ack));
    f.push_back(tcp_frame(c2, server, 200, tcp_syn));
    std::vector<std::uint8_t> junk{0, 0, 0, 5, 1, 2, 3, 4, 5};
    const auto good = with_length_prefix(query(0x1901, "tcp.pks.test"));
    junk.insert(junk.end(), good.begin(), good.end());
    f.push_back(tcp_frame(c2, server, 201, tcp_psh | tcp_ack, junk));
    dns_wire r = response_to(0x1901, "tcp.pks.test", 1);
    r.a("tcp.pks.test", 60, 10, 53, 0, 9);
    f.push_back(tcp_frame(server, c2, 5000, tcp_psh | tcp_ack, with_length_prefix(r.bytes)));
    return f;
}

frames short_header() {
    // 5 bytes of "DNS" on port 53 (RFC 1035 4.1.1 needs 12).
    return {udp_frame(client, server, {0x12, 0x34, 0x01, 0x00, 0x00})};
}

struct hostile_case {
    const char* name;
    frames (*make)();
    const char* anomaly;       ///< in some dns_transaction record, or in the summary's counts
    std::size_t transactions;  ///< dns_transaction records expected
    const char* outcome;       ///< of the first answered transaction ("" if none)
};

const hostile_case cases[] = {
    {"pointer_loop", pointer_loop, "dns_pointer_loop", 2, "malformed"},
    {"pointer_forward", pointer_forward, "dns_pointer_forward", 1, "malformed"},
    {"pointer_hop_cap", pointer_hop_cap, "dns_pointer_loop", 1, "answer"},
    {"label_overrun", label_overrun, "dns_label_overrun", 1, "malformed"},
    {"name_too_long", name_too_long, "dns_name_too_long", 2, "malformed"},
    {"count_exceeds_message", count_exceeds_message, "dns_count_exceeds_message", 1, "answer"},
    {"record_overrun", record_overrun, "dns_record_overrun", 1, "malformed"},
    {"bad_label_type", bad_label_type, "dns_bad_label_type", 1, "malformed"},
    {"terminal_escapes", terminal_escapes, "", 1, "answer"},
    {"tcp_framing", tcp_framing, "", 1, "answer"},
    {"short_header", short_header, "truncated_dns_header", 0, ""},
};

// True when every byte is printable ASCII or a newline: nothing that could move a cursor,
// recolour a terminal or reorder text.
bool plain_ascii(const std::string& s) {
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c != '\n' && (c < 0x20 || c >= 0x7f)) return false;
    }
    return true;
}

class DnsHostileTest : public ::testing::TestWithParam<hostile_case> {};

TEST_P(DnsHostileTest, GivesItsAnomalyAndNoCrash) {
    const hostile_case& c = GetParam();
    const fs::path pcap = data_dir() / (std::string(c.name) + ".pcap");
    if (update_goldens()) {
        fs::create_directories(data_dir());
        write_pcap(pcap, c.make());
    }
    ASSERT_TRUE(fs::exists(pcap)) << pcap << " missing; run with PKTSCOPE_UPDATE_GOLDENS=1";
    const std::string quoted = "'" + pcap.string() + "'";
    const command_result json =
        run(pktscope_binary() + " dns -r " + quoted + " --json --stats", false);
    ASSERT_EQ(json.exit_status, 0) << json.output;
    EXPECT_TRUE(plain_ascii(json.output));
    std::vector<nlohmann::json> records;
    ASSERT_NO_THROW(records = parse_json_lines(json.output));
    std::size_t transactions = 0;
    std::string first_outcome;
    bool anomaly_seen = std::string(c.anomaly).empty();
    for (const nlohmann::json& r : records) {
        if (r["type"] == "dns_transaction") {
            ++transactions;
            if (r["status"] == "answered" && first_outcome.empty()) first_outcome = r["outcome"];
            for (const auto& a : r.value("anomalies", nlohmann::json::array()))
                if (a == c.anomaly) anomaly_seen = true;
        }
        if (r["type"] == "dns_summary" && r["anomalies"].contains(c.anomaly)) anomaly_seen = true;
    }
    EXPECT_EQ(transactions, c.transactions);
    EXPECT_EQ(first_outcome, c.outcome);
    EXPECT_TRUE(anomaly_seen) << c.anomaly << " not reported:\n" << json.output;
    for (const char* extra : {"", " -v", " --chain -v"}) {
        // Standard error too: the counters printed there reach the terminal as well.
        const command_result text = run(pktscope_binary() + " dns -r " + quoted + extra);
        EXPECT_EQ(text.exit_status, 0) << extra;
        EXPECT_TRUE(plain_ascii(text.output)) << extra << ":\n" << text.output;
    }
}

std::string case_name(const ::testing::TestParamInfo<hostile_case>& param) {
    return param.param.name;
}

INSTANTIATE_TEST_SUITE_P(Captures, DnsHostileTest, ::testing::ValuesIn(cases), case_name);

TEST(DnsHostile, EscapedNamesAndTextReadAsDigWouldPrintThem) {
    const command_result r = run(pktscope_binary() + " dns -r '" +
                                     (data_dir() / "terminal_escapes.pcap").string() + "' --json",
                                 false);
    ASSERT_EQ(r.exit_status, 0);
    const auto records = parse_json_lines(r.output);
    const auto t = std::find_if(records.begin(), records.end(), [](const nlohmann::json& j) {
        return j["type"] == "dns_transaction";
    });
    ASSERT_NE(t, records.end());
    // RFC 1035 5.1 presentation form (as dig prints): \DDD for the bytes, "\." for the dot.
    EXPECT_EQ((*t)["qname"], "e\\027[31m\\127\\000\\226\\128\\174\\.x.pks.test");
    EXPECT_EQ((*t)["status"], "answered");
    EXPECT_EQ((*t)["answers"][0]["data"], "\"\\027[31mred\\010\\226\\128\"");
}

TEST(DnsHostile, TcpFramingCountsWhatItCouldNotUse) {
    const command_result r = run(
        pktscope_binary() + " dns -r '" + (data_dir() / "tcp_framing.pcap").string() + "' --json",
        false);
    ASSERT_EQ(r.exit_status, 0);
    for (const nlohmann::json& j : parse_json_lines(r.output)) {
        if (j["type"] == "dns_summary") {
            EXPECT_EQ(j["tcp_messages"], 4) << "empty, 5-byte, query and answer";
            EXPECT_EQ(j["malformed"], 2) << "the empty and the 5-byte message";
            EXPECT_EQ(j["tcp_bytes_dropped"], 42)
                << "prefix and 40 bytes of the unfinished message";
            EXPECT_EQ(j["answered"], 1);
        }
        if (j["type"] == "dns_transaction") {
            EXPECT_EQ(j["qname"], "tcp.pks.test");
            EXPECT_EQ(j["transport"], "tcp");
        }
    }
}

}  // namespace
}  // namespace pktscope::test

int main(int argc, char** argv) {
    for (int i = 1; i < argc; ++i)
        if (std::string(argv[i]) == "--update-goldens") ::setenv("PKTSCOPE_UPDATE_GOLDENS", "1", 1);
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
