// Golden tests: `pktscope sniff -r` text (plain and -v) and JSON Lines on every capture in
// captures/, diffed against tests/replay/golden/sniff/. The goldens were produced by this code
// and checked field by field against tshark (tests/replay/captures_tshark_test.cpp keeps
// checking them). Regenerate with PKTSCOPE_UPDATE_GOLDENS=1 (or --update-goldens).
#include <gtest/gtest.h>

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
    {".v.txt", "--utc -v"},
    {".jsonl", "--json"},
};

TEST(SniffGoldenTest, EveryCaptureMatchesItsGoldens) {
    const auto files = captures();
    ASSERT_GE(files.size(), 5U) << "captures/ should hold the curated pcaps";
    const fs::path golden_dir = fs::path(PKTSCOPE_SOURCE_DIR) / "tests/replay/golden/sniff";
    for (const fs::path& pcap : files) {
        for (const variant& v : variants) {
            const command_result r =
                run(pktscope_binary() + " sniff -r '" + pcap.string() + "' " + v.arguments, false);
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

}  // namespace
}  // namespace pktscope::testing

int main(int argc, char** argv) {
    for (int i = 1; i < argc; ++i)
        if (std::string(argv[i]) == "--update-goldens") ::setenv("PKTSCOPE_UPDATE_GOLDENS", "1", 1);
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
