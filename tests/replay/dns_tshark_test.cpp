// Agreement with tshark on every DNS-bearing capture of the shared corpus and of captures/:
// query/response pairing equals tshark's dns.response_in / dns.response_to, latency equals
// dns.time to the nanosecond, retransmitted queries and responses and unsolicited responses
// are what tshark calls them, and names, types, IDs and RCODEs are equal.
//
// The reference (tests/replay/data/dns_tshark_reference.tsv) is made by
// tests/replay/dns_tshark_reference.sh. Every row either agrees or falls in a disagreement
// class; the classes expected per file are in tests/replay/data/dns_tshark_disagreements.tsv
// and explained in tests/replay/dns_tshark_disagreements.md. A new disagreement, or an expected
// one that went away, fails the test.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "live_support.hpp"
#include "pktscope/dns.hpp"

namespace pktscope::testing {
namespace {

namespace fs = std::filesystem;

using row = std::map<std::string, std::string>;

std::vector<std::string> split_tabs(const std::string& line) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (;;) {
        const std::size_t tab = line.find('\t', start);
        out.push_back(
            line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
        if (tab == std::string::npos) return out;
        start = tab + 1;
    }
}

// file -> rows, in file order.
std::map<std::string, std::vector<row>> load_reference() {
    std::ifstream in(fs::path(PKTSCOPE_SOURCE_DIR) / "tests/replay/data/dns_tshark_reference.tsv");
    std::map<std::string, std::vector<row>> out;
    std::vector<std::string> header;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        const auto cells = split_tabs(line);
        if (header.empty()) {
            header = cells;
            continue;
        }
        row r;
        for (std::size_t i = 0; i < header.size() && i < cells.size(); ++i) r[header[i]] = cells[i];
        out[r["file"]].push_back(r);
    }
    return out;
}

// file -> class -> rows, from the committed expectations.
std::map<std::string, std::map<std::string, std::size_t>> load_expected() {
    std::ifstream in(fs::path(PKTSCOPE_SOURCE_DIR) /
                     "tests/replay/data/dns_tshark_disagreements.tsv");
    std::map<std::string, std::map<std::string, std::size_t>> out;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        const auto cells = split_tabs(line);
        if (cells.size() >= 3) out[cells[0]][cells[1]] = std::stoul(cells[2]);
    }
    return out;
}

std::uint64_t number(const std::string& s) {
    if (s.empty()) return 0;
    return std::stoull(s, nullptr, s.rfind("0x", 0) == 0 ? 16 : 10);
}

// "0.125857000" seconds -> nanoseconds, exactly.
std::int64_t seconds_to_ns(const std::string& s) {
    const std::size_t dot = s.find('.');
    std::int64_t whole = std::stoll(s.substr(0, dot));
    std::string fraction = dot == std::string::npos ? "" : s.substr(dot + 1);
    fraction.resize(9, '0');
    return whole * 1'000'000'000 + std::stoll(fraction);
}

// tshark writes the root as "<Root>"; pktscope as ".".
std::string tshark_name(const std::string& s) {
    return s == "<Root>" ? "." : s;
}

std::string type_mnemonic(std::uint64_t t) {
    const std::string_view n = dns_type_name(static_cast<std::uint16_t>(t));
    return n.empty() ? "TYPE" + std::to_string(t) : std::string(n);
}

std::string rcode_mnemonic(std::uint64_t r) {
    const std::string_view n = dns_rcode_name(static_cast<std::uint16_t>(r));
    return n.empty() ? "RCODE" + std::to_string(r) : std::string(n);
}

fs::path capture_path(const std::string& file) {
    if (file.find('/') != std::string::npos) return fs::path(PKTSCOPE_SOURCE_DIR) / file;  // ours
    return fs::path(PKTSCOPE_CORPUS_DIR) / "tcpdump/pcaps" / file;
}

bool dns_port(const row& r) {
    for (const char* k : {"udp.srcport", "udp.dstport", "tcp.srcport", "tcp.dstport"})
        if (r.at(k) == "53") return true;
    return false;
}

struct file_result {
    std::map<std::string, std::size_t> classes;  // class -> rows
    std::vector<std::string> details;            // for unexpected rows
    std::size_t agreed = 0;
};

// Compares one file; each row ends up agreeing or in one class.
file_result compare_file(const std::string& file, const std::vector<row>& rows) {
    file_result result;
    const command_result run_result =
        run(pktscope_binary() + " dns -r '" + capture_path(file).string() + "' --json", true);
    if (run_result.exit_status != 0) {
        const bool refused =
            run_result.output.find("is not decoded by pktscope") != std::string::npos;
        result.classes[refused ? "linktype_not_decoded" : "pktscope_failed"] += rows.size();
        if (!refused) result.details.push_back(run_result.output);
        return result;
    }
    std::map<std::uint64_t, nlohmann::json> by_query, by_response;
    std::map<std::uint64_t, std::uint64_t> retransmission_of;  // frame -> first query frame
    for (const nlohmann::json& j : parse_json_lines(run_result.output)) {
        if (j["type"] != "dns_transaction") continue;
        if (j.contains("query_frame")) by_query[j["query_frame"]] = j;
        if (j.contains("response_frame")) by_response[j["response_frame"]] = j;
        for (const auto& f : j.value("retransmission_frames", nlohmann::json::array()))
            retransmission_of[f] = j["query_frame"];
    }
    // What the decoder says about each frame, to name the class of a disagreement.
    std::map<std::uint64_t, std::set<std::string>> frame_anomalies;
    for (const nlohmann::json& j : parse_json_lines(
             run(pktscope_binary() + " sniff -r '" + capture_path(file).string() + "' --json",
                 false)
                 .output))
        if (j["type"] == "packet")
            for (const auto& a : j.value("anomalies", nlohmann::json::array()))
                frame_anomalies[j["frame"]].insert(a.get<std::string>());

    for (const row& r : rows) {
        const std::uint64_t frame = number(r.at("frame.number"));
        const std::string where = file + " frame " + std::to_string(frame) + ": ";
        std::string problem;
        const bool response = r.at("dns.flags.response") == "1";
        const nlohmann::json* rec = nullptr;
        if (!response && !r.at("dns.retransmit_request_in").empty()) {
            const std::uint64_t original = number(r.at("dns.retransmit_request_in"));
            if (retransmission_of.count(frame) == 0 || retransmission_of[frame] != original)
                problem = "tshark: retransmission of " + std::to_string(original) +
                          "; pktscope does not link it";
        } else if (response && !r.at("dns.retransmit_response_in").empty()) {
            if (by_response.count(frame) != 0)
                problem = "tshark: duplicate response; pktscope reports it";
        } else if (!response) {
            if (by_query.count(frame) == 0) {
                problem = "no pktscope record with this query frame";
            } else {
                rec = &by_query[frame];
                const std::string in = r.at("dns.response_in");
                if (!in.empty() &&
                    ((*rec)["status"] != "answered" || (*rec)["response_frame"] != number(in)))
                    problem = "tshark: response in " + in + "; pktscope: " + rec->dump();
                if (in.empty() && (*rec)["status"] != "unanswered")
                    problem = "tshark: no response; pktscope: " + rec->dump();
            }
        } else {
            const std::string to = r.at("dns.response_to");
            if (by_response.count(frame) == 0) {
                problem = "no pktscope record with this response frame";
            } else {
                rec = &by_response[frame];
                if (to.empty() && (*rec)["status"] != "unsolicited")
                    problem = "tshark: unsolicited; pktscope: " + rec->dump();
                if (!to.empty() &&
                    (!rec->contains("query_frame") || (*rec)["query_frame"] != number(to)))
                    problem = "tshark: response to " + to + "; pktscope: " + rec->dump();
                if (problem.empty() && !to.empty()) {
                    const std::int64_t tshark_ns = seconds_to_ns(r.at("dns.time"));
                    const auto ours = std::llround((*rec)["latency_ms"].get<double>() * 1e6);
                    if (ours != tshark_ns)
                        problem = "latency " + std::to_string(ours) + " ns vs dns.time " +
                                  std::to_string(tshark_ns) + " ns";
                }
                if (problem.empty()) {
                    const std::uint64_t rcode =
                        number(r.at("dns.flags.rcode")) | number(r.at("dns.resp.ext_rcode")) << 4;
                    if ((*rec)["rcode"] != rcode_mnemonic(rcode))
                        problem =
                            "rcode " + (*rec)["rcode"].dump() + " vs " + rcode_mnemonic(rcode);
                }
            }
        }
        if (problem.empty() && rec != nullptr) {
            if ((*rec)["id"] != number(r.at("dns.id")))
                problem = "id differs";
            else if (!r.at("dns.qry.name").empty() &&
                     (*rec).value("qname", "") != tshark_name(r.at("dns.qry.name")))
                problem = "qname " + (*rec).value("qname", "") + " vs " + r.at("dns.qry.name");
            else if (!r.at("dns.qry.type").empty() &&
                     (*rec).value("qtype", "") != type_mnemonic(number(r.at("dns.qry.type"))))
                problem = "qtype " + (*rec).value("qtype", "") + " vs " + r.at("dns.qry.type");
        }
        const std::set<std::string>& seen = frame_anomalies[frame];
        if (problem.empty()) {
            ++result.agreed;
        } else if (!dns_port(r)) {
            ++result.classes["port_not_53"];  // tshark's heuristics on other ports
        } else if (seen.count("capture_truncated") != 0) {
            ++result.classes["snapshot_cut"];
        } else if (seen.count("truncated_dns_header") != 0) {
            ++result.classes["shorter_than_dns_header"];
        } else if (seen.count("bad_ipv4_version") != 0) {
            ++result.classes["ip_header_not_decoded"];
        } else if (r.at("dns.qry.name").rfind("<", 0) == 0 && rec != nullptr &&
                   !rec->contains("qname") && rec->contains("anomalies")) {
            ++result.classes["malformed_question_name"];
        } else {
            ++result.classes["unexpected"];
            result.details.push_back(where + problem);
        }
    }
    return result;
}

TEST(DnsTsharkAgreement, EveryDnsCaptureAgreesOrDisagreesAsExplained) {
    const auto reference = load_reference();
    ASSERT_GE(reference.size(), 30u) << "reference table missing or short";
    const auto expected = load_expected();
    std::size_t agreed = 0, rows = 0;
    for (const auto& [file, file_rows] : reference) {
        const file_result r = compare_file(file, file_rows);
        agreed += r.agreed;
        rows += file_rows.size();
        const auto want =
            expected.count(file) != 0 ? expected.at(file) : std::map<std::string, std::size_t>{};
        EXPECT_EQ(r.classes, want) << file << " (" << r.agreed << " rows agree)";
        for (const std::string& d : r.details) ADD_FAILURE() << d;
    }
    // The classes explain a minority; most rows must agree outright.
    EXPECT_GE(agreed * 10, rows * 7) << agreed << " of " << rows << " rows agree";
    std::printf("dns tshark agreement: %zu of %zu rows agree over %zu captures\n", agreed, rows,
                reference.size());
}

TEST(DnsTsharkAgreement, ExpectationsNameOnlyCapturesOfTheReference) {
    const auto reference = load_reference();
    for (const auto& [file, classes] : load_expected()) {
        EXPECT_EQ(reference.count(file), 1u) << file;
        for (const auto& [name, count] : classes) EXPECT_NE(name, "unexpected") << file;
    }
}

}  // namespace
}  // namespace pktscope::testing
