// Golden tests: `pktscope handshakes -r` on every capture in captures/, as text, JSON Lines,
// --explain and --ladder, diffed against tests/replay/golden/handshakes/. The goldens were
// produced by this code and checked before committing: RTTs and flag presence against tshark
// (handshakes_tshark_test keeps checking those), conn_state and history against Zeek's
// documented meanings by hand. Regenerate with PKTSCOPE_UPDATE_GOLDENS=1 (or
// --update-goldens), then check the diff the same way.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "live_support.hpp"

namespace pktscope::testing {
namespace {

namespace fs = std::filesystem;

bool update_goldens() {
    const char* env = std::getenv("PKTSCOPE_UPDATE_GOLDENS");
    return env != nullptr && std::string(env) == "1";
}

std::vector<fs::path> captures() {
    std::vector<fs::path> out;
    for (const auto& entry : fs::directory_iterator(fs::path(PKTSCOPE_SOURCE_DIR) / "captures"))
        if (entry.path().extension() == ".pcap") out.push_back(entry.path());
    std::sort(out.begin(), out.end());
    return out;
}

struct variant {
    const char* suffix;
    const char* arguments;
};
constexpr variant variants[] = {
    {".txt", "--utc"},
    {".jsonl", "--json"},
    {".explain.txt", "--utc --explain"},
    {".ladder.txt", "--utc --ladder"},
};

TEST(HandshakesGoldenTest, EveryCaptureMatchesItsGoldens) {
    const auto files = captures();
    ASSERT_GE(files.size(), 5U) << "captures/ should hold the curated pcaps";
    const fs::path golden_dir = fs::path(PKTSCOPE_SOURCE_DIR) / "tests/replay/golden/handshakes";
    for (const fs::path& pcap : files) {
        for (const variant& v : variants) {
            const command_result r = run(pktscope_binary() + " handshakes -r '" + pcap.string() +
                                             "' " + v.arguments + " 2>/dev/null",
                                         false);
            ASSERT_EQ(r.exit_status, 0) << pcap << " " << v.arguments;
            // The meta record names the source path; keep only its file name (varies by checkout).
            std::string output = r.output;
            const std::string full = "file " + pcap.string();
            if (const auto at = output.find(full); at != std::string::npos)
                output.replace(at, full.size(), "file captures/" + pcap.filename().string());
            const fs::path golden = golden_dir / (pcap.stem().string() + v.suffix);
            if (update_goldens()) {
                std::ofstream(golden, std::ios::binary) << output;
                continue;
            }
            EXPECT_EQ(output, read_file(golden.string()))
                << "golden mismatch for " << golden << "; rerun with PKTSCOPE_UPDATE_GOLDENS=1 "
                << "after checking the new output against tshark";
        }
    }
}

// The JSON and text renderings carry the same record: every JSON tcp_connection's key facts
// appear in the text line of the same connection.
TEST(HandshakesGoldenTest, TextAndJsonRenderTheSameRecords) {
    for (const fs::path& pcap : captures()) {
        const command_result json = run(
            pktscope_binary() + " handshakes -r '" + pcap.string() + "' --json 2>/dev/null", false);
        const command_result text = run(
            pktscope_binary() + " handshakes -r '" + pcap.string() + "' --utc 2>/dev/null", false);
        std::vector<std::string> lines;
        std::string line;
        for (char c : text.output) {
            if (c == '\n') {
                lines.push_back(line);
                line.clear();
            } else {
                line += c;
            }
        }
        std::size_t index = 0;
        for (const nlohmann::json& record : parse_json_lines(json.output)) {
            if (record["type"] != "tcp_connection") continue;
            ASSERT_LT(index, lines.size()) << pcap;
            const std::string& t = lines[index++];
            // Built by appending: GCC 12 warns falsely (-Wrestrict) on chained operator+.
            std::string state = " ";
            state.append(record["conn_state"].get<std::string>()).append(" ");
            state.append(record["end"].get<std::string>()).append(" history ");
            state.append(record["history"].get<std::string>());
            EXPECT_NE(t.find(state), std::string::npos) << t;
            if (record.contains("handshake_ms")) {
                char buf[64];
                std::snprintf(buf, sizeof buf, "handshake %.6f ms",
                              record["handshake_ms"].get<double>());
                EXPECT_NE(t.find(buf), std::string::npos) << t;
            }
            std::string bytes = "bytes ";
            bytes.append(std::to_string(record["bytes_client_to_server"].get<std::uint64_t>()))
                .append("/");
            bytes.append(std::to_string(record["bytes_server_to_client"].get<std::uint64_t>()));
            EXPECT_NE(t.find(bytes), std::string::npos) << t;
        }
        EXPECT_EQ(index, lines.size()) << pcap << ": as many text lines as JSON records";
    }
}

}  // namespace
}  // namespace pktscope::testing

int main(int argc, char** argv) {
    for (int i = 1; i < argc; ++i)
        if (std::string(argv[i]) == "--update-goldens") ::setenv("PKTSCOPE_UPDATE_GOLDENS", "1", 1);
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
